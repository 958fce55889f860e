"""The account of a dispute: events taken from the evidence, ranked into a cited timeline."""
