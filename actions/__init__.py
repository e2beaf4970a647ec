"""The action server (rasa-sdk): thin wiring from Rasa to the ``reflection`` library."""
