"""Domain library for the therapy-reflection assistant (no Rasa imports)."""
