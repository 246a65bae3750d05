"""Counterfactual explanations: the smallest change that flips a prediction."""
