"""Moodle XML files: `reader` turns them into bank data, `writer` turns banks into them."""
