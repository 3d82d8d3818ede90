"""Moodle's question model, shared by the GIFT and Moodle XML formats: each format reads into it
and writes from it, and each question type maps it to and from its own bank data."""
