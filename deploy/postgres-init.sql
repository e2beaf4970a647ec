-- Rasa's tracker store gets its own database next to the answers database (deploy/compose.yml).
CREATE DATABASE reflection_tracker OWNER reflection;
