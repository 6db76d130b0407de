using FFActors.Core.Platform;
using FFActors.Core.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// Adversarial wrong-label negatives. Start from the image with a uniformly drawn wrong label, then
/// run PGD on the image pixels to INCREASE the goodness the current network gives it: <c>steps</c>
/// signed-gradient steps of size <c>step</c>, each projected back to the L∞ ball of radius
/// <c>epsilon</c> around the start. With <c>steps = 1</c> and <c>step = epsilon</c> this is FGSM.
/// The label slots are never touched. Each row returns the iterate with the highest goodness seen,
/// the start included, so its goodness is never below that of the unperturbed wrong-label input.
/// </summary>
/// <remarks>
/// The seed's "adversarial" ran without any model: it added ±0.1 uniform noise. Its FGSM step was
/// 0.01 instead of ε. Here the gradient comes from the live network (<see cref="NegativeBatch.Model"/>),
/// the step is a parameter (default 2.5·ε/steps, and ε for FGSM), and the ball is enforced.
/// ε is in the units of the normalised input (MNIST mean/std pixels span about −0.42..2.82).
/// Optionally the perturbed pixels are also clipped to the batch's pixel range (a projection onto
/// a convex set that contains the start, so the ε bound still holds). A random start in the ball
/// is optional too.
/// </remarks>
public sealed class AdversarialNegatives : INegativeStrategy
{
    readonly LabelOverlay overlay;

    public AdversarialNegatives(LabelOverlay overlay, double epsilon = 0.5, int steps = 5, double? step = null,
        bool randomStart = false, bool clipToDataRange = true)
    {
        if (!(epsilon > 0) || double.IsInfinity(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), "adversarial: epsilon must be > 0");
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), "adversarial: steps must be ≥ 1");
        double s = step ?? (steps == 1 ? epsilon : 2.5 * epsilon / steps);
        if (!(s > 0) || double.IsInfinity(s)) throw new ArgumentOutOfRangeException(nameof(step), "adversarial: step must be > 0");
        this.overlay = overlay;
        Epsilon = epsilon;
        Steps = steps;
        Step = s;
        RandomStart = randomStart;
        ClipToDataRange = clipToDataRange;
    }

    public string Name => "adversarial";
    public bool NeedsModel => true;
    public double Epsilon { get; }
    public int Steps { get; }
    public double Step { get; }
    public bool RandomStart { get; }
    public bool ClipToDataRange { get; }

    public Tensor Generate(NegativeBatch batch, Generator generator)
    {
        var model = batch.RequireModel(Name);
        var pinned = Sampling.Pinned(overlay, batch.Images);
        using var scope = NewDisposeScope();
        var wrong = WrongLabelNegatives.SampleWrongLabels(batch.Labels, overlay.Classes, generator);
        return Perturb(model, pinned.Apply(batch.Images, wrong), generator).MoveToOuterDisposeScope();
    }

    /// <summary>PGD from <paramref name="start"/> [B, F] (labels already overlaid) toward higher goodness.</summary>
    public Tensor Perturb(INegativeModel model, Tensor start, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        long features = start.shape[1];
        int slots = overlay.Classes;
        var x0 = start.detach();
        var free = ones([1, features], dtype: x0.dtype, device: x0.device);
        free.narrow(1, 0, slots).zero_();
        var pixels = x0.narrow(1, slots, features - slots);
        using var lo = pixels.min().item<float>().ToScalar();
        using var hi = pixels.max().item<float>().ToScalar();

        Tensor Project(Tensor delta)
        {
            delta = delta.clamp(KeptScalars.Of(-Epsilon), KeptScalars.Of(Epsilon));
            if (ClipToDataRange) delta = x0.add(delta, KeptScalars.One).clamp(lo, hi) - x0;
            return delta * free;
        }

        var delta = RandomStart
            ? Project(rand(x0.shape, generator: generator, dtype: x0.dtype, device: x0.device).mul(KeptScalars.Of(2)).sub(KeptScalars.One).mul(KeptScalars.Of(Epsilon)))
            : zeros_like(x0);
        var best = x0;
        var bestGoodness = full([x0.shape[0]], KeptScalars.Of(double.NegativeInfinity), dtype: ScalarType.Float32, device: x0.device);
        for (int t = 0; ; t++)
        {
            var x = x0.add(delta, KeptScalars.One).detach().requires_grad_(true);
            var g = model.Goodness(x);
            var gd = g.detach().to(ScalarType.Float32);
            var better = gd > bestGoodness;
            best = where(better.unsqueeze(1), x.detach(), best);
            bestGoodness = where(better, gd, bestGoodness);
            if (t == Steps) break;
            var gradient = torch.autograd.grad([g.sum()], [x])[0];
            delta = Project(delta.add(gradient.sign().mul(KeptScalars.Of(Step)), KeptScalars.One));
        }
        return best.detach().MoveToOuterDisposeScope();
    }
}
