"""The job board: postings reviewed by staff before they are public, types, categories, feeds."""
