"""Training-data attribution: which training images helped or hurt a prediction."""
