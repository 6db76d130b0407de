namespace FFActors.Core.Training;

public enum OptimizerKind { Adam, Sgd }
