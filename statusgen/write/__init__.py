"""The only code that writes files: the output tree and atomic replacement of one file."""
