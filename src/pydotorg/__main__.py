from pydotorg.cli import main

raise SystemExit(main())
