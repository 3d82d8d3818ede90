"""What several blueprints share: view models of questions and results, and common responses."""
