using FFActors.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Core.Evaluation;

/// <summary>
/// A linear softmax probe on frozen features: a <see cref="SoftmaxHead"/> trained for exactly the
/// budget's epochs on the training features, scored on validation after every epoch (for the
/// curve) and on test after the last one. Every arm of a comparison gets the same budget.
/// </summary>
public static class LinearProbe
{
    public static ProbeResult Fit(
        (Tensor X, Tensor Y) train, (Tensor X, Tensor Y) validation, (Tensor X, Tensor Y) test,
        int classes, ProbeBudget budget, long seed, int evalBatchSize = 1000)
    {
        using var gen = new Generator((ulong)SeedStreams.Derive(seed, SeedStreams.Head));
        using var head = new SoftmaxHead((int)train.X.shape[1], classes, gen);
        head.to(train.X.device);
        var curve = new double[budget.Epochs];
        head.Fit(train.X, train.Y, budget.Epochs, budget.BatchSize, budget.LearningRate, gen,
            onEpoch: e => curve[e] = head.Accuracy(validation.X, validation.Y, evalBatchSize));
        double val = budget.Epochs > 0 ? curve[^1] : head.Accuracy(validation.X, validation.Y, evalBatchSize);
        double acc = head.Accuracy(test.X, test.Y, evalBatchSize);
        return new ProbeResult(val, acc, curve, (int)train.X.shape[1], budget);
    }
}
