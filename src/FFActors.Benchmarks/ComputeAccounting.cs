namespace FFActors.Benchmarks;

/// <summary>
/// The analytic FLOP counts of <c>ffactors bench compute</c> and where a time-to-accuracy curve first reaches a
/// target. Only the matrix products are counted (2 FLOPs per multiply-add); the elementwise work (ReLU, norms,
/// the label overlay, Adam's updates) is linear in the weights or activations and left out of both sides alike.
/// </summary>
public static class ComputeAccounting
{
    /// <summary>Σ in·out over consecutive widths (input first): the multiply-adds of one forward pass.</summary>
    public static double MultiplyAdds(IReadOnlyList<int> widths)
    {
        double sum = 0;
        for (int i = 0; i + 1 < widths.Count; i++) sum += (double)widths[i] * widths[i + 1];
        return sum;
    }

    /// <summary>
    /// FF training per sample: 8·Σ in·out. Each layer runs a forward pass of the positive and of the negative
    /// (2 × 2·in·out) and its local weight gradient for both (2 × 2·in·out); no gradient flows to the input, so there
    /// is no backward pass through the activations.
    /// </summary>
    public static double FFTrainFlopsPerSample(IReadOnlyList<int> layers) => 8 * MultiplyAdds(layers);

    /// <summary>
    /// FF evaluation per test sample by goodness scoring: one forward pass per class (the label overlaid), through
    /// the layers up to the highest score layer: classes · 2·Σ in·out over those layers.
    /// </summary>
    /// <param name="deepestScoreLayer">0-based index of the highest layer whose goodness is summed.</param>
    public static double FFEvalFlopsPerSample(IReadOnlyList<int> layers, int classes, int deepestScoreLayer) =>
        classes * 2 * MultiplyAdds(layers.Take(deepestScoreLayer + 2).ToArray());

    /// <summary>The backprop MLP's widths: the FF widths and the linear output layer to the classes.</summary>
    public static int[] BackpropWidths(IReadOnlyList<int> layers, int classes) => [.. layers, classes];

    /// <summary>
    /// Backprop training per sample: 6·Σ in·out including the output layer: forward (2·in·out), the gradient to the
    /// layer's input (2·in·out) and to its weights (2·in·out). Autograd skips the first layer's gradient to the image,
    /// so this counts 2·784·width more than backprop does: the error makes the FF/backprop ratio smaller, not larger.
    /// </summary>
    public static double BackpropTrainFlopsPerSample(IReadOnlyList<int> layers, int classes) => 6 * MultiplyAdds(BackpropWidths(layers, classes));

    /// <summary>Backprop evaluation per test sample: one forward pass, 2·Σ in·out including the output layer.</summary>
    public static double BackpropEvalFlopsPerSample(IReadOnlyList<int> layers, int classes) => 2 * MultiplyAdds(BackpropWidths(layers, classes));

    /// <summary>The first point of <paramref name="curve"/> (in training order) whose test accuracy is at least <paramref name="target"/>; null when none is.</summary>
    public static ComputePoint? FirstReaching(IReadOnlyList<ComputePoint> curve, double target) =>
        curve.FirstOrDefault(p => p.Accuracy >= target);
}

/// <summary>One check of a training run: after <paramref name="Samples"/> training samples, <paramref name="Seconds"/> of training
/// (evaluation excluded; the median over the repeats) and <paramref name="Flops"/> of training FLOPs, the test accuracy.</summary>
/// <param name="Epoch">Epochs done, fractional for checks within an epoch.</param>
/// <param name="SecondsPerRepeat">The training seconds of each repeat at this point (the median of which is <paramref name="Seconds"/>).</param>
public sealed record ComputePoint(double Epoch, long Samples, double Seconds, double Flops, double Accuracy, double[] SecondsPerRepeat);
