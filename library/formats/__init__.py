"""The team's markdown formats: reading them (repairing their encodings) and writing them back."""
