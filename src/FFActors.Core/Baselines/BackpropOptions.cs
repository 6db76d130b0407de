namespace FFActors.Core.Baselines;

/// <summary>Training budget of the backprop baseline (Adam, cross-entropy, mini-batches).</summary>
public sealed record BackpropOptions(int Epochs = 5, double LearningRate = 0.001, int BatchSize = 100);
