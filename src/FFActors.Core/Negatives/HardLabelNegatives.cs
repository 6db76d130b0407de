using FFActors.Core.Data;
using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// Hinton's hard negatives: the same image with a wrong label drawn in proportion to
/// softmax(goodness / T) over the wrong labels, where goodness is what the current network gives
/// the image under each label. Labels the network already confuses with the true one are drawn
/// most often. The true label has probability 0.
/// </summary>
/// <remarks>
/// The seed had no network-driven label negatives. Its label negatives were <c>y[randperm]</c>,
/// built once and never redrawn, so about 10 % of them carried the true label. Its "adversarial"
/// strategy ran without a model. Here the draw is redone every batch against the live network
/// (<see cref="NegativeBatch.Model"/>). Goodness differences are on the goodness scale, so with
/// mean goodness (θ = 2) the softmax is fairly flat; lower <paramref name="temperature"/> to sharpen it.
/// </remarks>
public sealed class HardLabelNegatives : INegativeStrategy
{
    readonly LabelOverlay overlay;

    public HardLabelNegatives(LabelOverlay overlay, double temperature = 1.0)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), "hard-label: temperature must be > 0");
        this.overlay = overlay;
        Temperature = temperature;
    }

    public string Name => "hard-label";
    public bool NeedsModel => true;
    public double Temperature { get; }

    public Tensor Generate(NegativeBatch batch, Generator generator)
    {
        var model = batch.RequireModel(Name);
        var pinned = Sampling.Pinned(overlay, batch.Images);
        using var scope = NewDisposeScope();
        var scores = model.Scores(batch.Images, pinned);
        var labels = SampleHardLabels(scores, batch.Labels, Temperature, generator);
        return pinned.Apply(batch.Images, labels).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One label per row from softmax(scores / T) with the true label removed, drawn with the
    /// Gumbel-max trick (argmax of logits + Gumbel noise samples the softmax exactly).
    /// </summary>
    public static Tensor SampleHardLabels(Tensor scores, Tensor labels, double temperature, Generator generator)
    {
        using var scope = NewDisposeScope();
        int classes = (int)scores.shape[1];
        var isTrue = nn.functional.one_hot(labels, classes).to(ScalarType.Bool);
        var logits = (scores.to(ScalarType.Float64) / KeptScalars.Of(temperature)).masked_fill(isTrue, KeptScalars.Of(double.NegativeInfinity));
        var u = rand(scores.shape, dtype: ScalarType.Float64, generator: generator, device: scores.device).clamp(KeptScalars.Of(1e-300), KeptScalars.Of(1 - 1e-16));
        var gumbel = u.log().neg().log().neg();
        return logits.add(gumbel, KeptScalars.One).argmax(1).MoveToOuterDisposeScope();
    }
}
