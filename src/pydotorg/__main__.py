from pydotorg.cli import main

# Guarded: a worker process the render pool starts (``content.render_pool``) imports the main
# module again, and must not run the command line a second time.
if __name__ == "__main__":
    raise SystemExit(main())
