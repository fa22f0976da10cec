"""`python -m newsdedup`."""

from newsdedup.cli import main

if __name__ == "__main__":
    main()
