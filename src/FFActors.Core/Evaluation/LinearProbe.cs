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

/// <summary>
/// The one training budget of a linear probe: exactly <paramref name="Epochs"/> passes of Adam at
/// <paramref name="LearningRate"/> over mini-batches of <paramref name="BatchSize"/>. The probe is
/// taken at its last epoch; no epoch is ever selected by a score.
/// </summary>
public sealed record ProbeBudget(int Epochs = 10, double LearningRate = 0.001, int BatchSize = 100)
{
    public override string ToString() => $"{Epochs} epochs of Adam, lr {LearningRate}, batch {BatchSize}";
}

/// <param name="ValidationAccuracy">Accuracy on the validation split after the last epoch.</param>
/// <param name="TestAccuracy">Accuracy on the test split after the last epoch (the reported number).</param>
/// <param name="ValidationCurve">Validation accuracy after each epoch: reported, never used to pick an epoch.</param>
/// <param name="Features">Width of the probed feature vector.</param>
public sealed record ProbeResult(double ValidationAccuracy, double TestAccuracy, double[] ValidationCurve, int Features, ProbeBudget Budget);
