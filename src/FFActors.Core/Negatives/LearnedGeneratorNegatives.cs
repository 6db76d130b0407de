using FFActors.Core.Data;
using FFActors.Core.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// Negatives from a small learned generator, trained adversarially against the current network. Each row starts as a
/// wrong-label negative s = overlay(x, y′) (y′ uniform over the wrong labels); the generator, an MLP
/// F → <c>hidden</c> (ReLU) → F, reads s (the image and the label it is to be passed off under) and proposes a bounded
/// change: n = clip(s + ε·tanh(G(s))) with y′ overlaid again. After each batch's negatives are made, the generator takes
/// one Adam step on −mean goodness(n), the goodness that the model view (<see cref="NegativeBatch.Model"/>: the
/// coordinator's copy of the network, refreshed every <c>train.model-view-refresh</c> batches) gives its negatives
/// summed over the score layers. So it learns to turn an image into what the network would accept under the wrong
/// label, while the layers learn to reject it: amortised adversarial negatives (one forward and one backward pass per
/// batch instead of PGD's several).
/// </summary>
/// <remarks>
/// Source: seed 003's <c>SelfContrastiveFF</c> sketch, a generator <c>Linear(F, F) → ReLU → Linear(F, F)</c> applied to the
/// positives. The sketch never trains it and puts no bound on its output; an unbounded generator that maximises
/// goodness and sees the positive can simply copy it, which leaves the layers nothing to separate. Here the start is a
/// legitimate negative (ε = 0 gives wrong-label negatives), the change is bounded in L∞ by ε (in normalised pixel units,
/// as <see cref="AdversarialNegatives"/>), and the generator's training signal is the network's goodness through the
/// model view only: no layer reads another's weights, and the generator never changes the layers. Its weights are
/// initialised from the negatives' generator stream at the first batch and trained in batch order, so every mode that
/// builds the same batches against the same view (Core's trainer, the coordinator in sequential and pipeline modes)
/// ends with the same weights. The generator's weights, Adam moments and step count go into checkpoints with the
/// negatives' stream (<see cref="IStatefulNegatives"/>), so a resumed or replayed run goes on with the generator it had.
/// The end-of-epoch diagnostics build their negatives with an instance of their own, trained only on the diagnostic
/// samples.
/// </remarks>
public sealed class LearnedGeneratorNegatives : INegativeStrategy, IStatefulNegatives, IDisposable
{
    const double Beta1 = 0.9, Beta2 = 0.999, AdamEpsilon = 1e-8;
    readonly LabelOverlay overlay;
    Tensor[]? parameters, firstMoments, secondMoments;
    long steps;

    public LearnedGeneratorNegatives(LabelOverlay overlay, int hidden = 256, double epsilon = 0.5, double learningRate = 0.001,
        double keepClass = 2.0, bool clipToDataRange = true)
    {
        if (!(keepClass >= 0) || double.IsInfinity(keepClass)) throw new ArgumentOutOfRangeException(nameof(keepClass), "learned-generator: keep-class must be ≥ 0");
        if (hidden < 1) throw new ArgumentOutOfRangeException(nameof(hidden), "learned-generator: hidden must be ≥ 1");
        if (!(epsilon > 0) || double.IsInfinity(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), "learned-generator: epsilon must be > 0");
        if (!(learningRate > 0) || double.IsInfinity(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), "learned-generator: generator-lr must be > 0");
        this.overlay = overlay;
        Hidden = hidden;
        Epsilon = epsilon;
        LearningRate = learningRate;
        KeepClass = keepClass;
        ClipToDataRange = clipToDataRange;
    }

    public string Name => "learned-generator";
    public bool NeedsModel => true;
    public int Hidden { get; }
    public double Epsilon { get; }
    public double LearningRate { get; }
    /// <summary>Weight of the term that keeps a negative its own class in the network's eyes (0 = goodness alone).</summary>
    public double KeepClass { get; }
    public bool ClipToDataRange { get; }

    /// <summary>Generator updates so far.</summary>
    public long Steps => steps;

    /// <summary>The generator's loss (<see cref="Loss"/>) on the last batch's negatives, before the update it caused.</summary>
    public double LastLoss { get; private set; } = double.NaN;

    /// <summary>The generator's weights W₁ [F, H], b₁ [H], W₂ [H, F], b₂ [F] (null before the first batch).</summary>
    public IReadOnlyList<Tensor>? Parameters => parameters;

    public Tensor Generate(NegativeBatch batch, Generator generator)
    {
        var model = batch.RequireModel(Name);
        var pinned = Sampling.Pinned(overlay, batch.Images);
        using var scope = NewDisposeScope();
        var wrong = WrongLabelNegatives.SampleWrongLabels(batch.Labels, overlay.Classes, generator);
        var start = pinned.Apply(batch.Images, wrong);
        var truth = pinned.Apply(batch.Images, batch.Labels);
        Build((int)start.shape[1], generator, start.device);
        Tensor negatives;
        Tensor[] gradients;
        using (enable_grad())
        {
            var made = Make(start);
            var loss = Loss(model, made, truth);
            // Gradients of the generator's weights only: the model view is read, never trained (in the greedy schedule it
            // is the live network, whose parameters keep their own gradients untouched).
            gradients = [.. torch.autograd.grad([loss], parameters!)];
            LastLoss = loss.item<float>();
            negatives = made.detach();
        }
        AdamUpdate(gradients);
        return negatives.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The generator's loss for its negatives <paramref name="made"/> (wrong labels in the slots):
    /// −mean g(n, y′) + keep-class · mean softplus(g(n, y′) − g(n, y)), with n, y the same pixels under the true label
    /// (the slots of <paramref name="truth"/>). The second term holds the negative to what the network still reads as
    /// its own class: without it the generator's optimum is an image of class y′, i.e. a positive.
    /// </summary>
    public Tensor Loss(INegativeModel model, Tensor made, Tensor truth)
    {
        var wrong = model.Goodness(made).to(ScalarType.Float32);
        var loss = wrong.mean().neg();
        if (KeepClass == 0) return loss;
        var own = model.Goodness(WithSlotsOf(made, truth)).to(ScalarType.Float32);
        return loss.add(nn.functional.softplus(wrong - own).mean().mul(KeptScalars.Of(KeepClass)), KeptScalars.One);
    }

    /// <summary>
    /// The generator's negatives for wrong-label starts <paramref name="start"/> [B, F] (autograd as the caller has it):
    /// the pixels moved, the label slots kept as the start has them.
    /// </summary>
    public Tensor Make(Tensor start)
    {
        var p = parameters ?? throw new InvalidOperationException("learned-generator: the generator is built at the first batch");
        var hidden = nn.functional.relu(start.matmul(p[0]).add(p[1], KeptScalars.One));
        var delta = hidden.matmul(p[2]).add(p[3], KeptScalars.One).tanh().mul(KeptScalars.Of(Epsilon));
        var x = start.add(delta, KeptScalars.One);
        if (ClipToDataRange)
        {
            // The pixels' range of the batch (label slots excluded), as the adversarial strategy clips.
            int slots = overlay.Classes;
            var pixels = start.narrow(1, slots, start.shape[1] - slots);
            using var lo = pixels.min().item<float>().ToScalar();
            using var hi = pixels.max().item<float>().ToScalar();
            x = x.clamp(lo, hi);
        }
        return WithSlotsOf(x, start);
    }

    /// <summary>
    /// The pixels of <paramref name="x"/> with the label slots of <paramref name="slots"/>, by a mask rather than by
    /// writing into the slots: in-place writes would break the backward pass.
    /// </summary>
    Tensor WithSlotsOf(Tensor x, Tensor slots)
    {
        var free = ones([1, x.shape[1]], dtype: x.dtype, device: x.device);
        free.narrow(1, 0, overlay.Classes).zero_();
        return (x * free).add(slots * (KeptScalars.One - free), KeptScalars.One);
    }

    /// <summary>One Adam step (PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8, bias-corrected) on the generator's weights.</summary>
    void AdamUpdate(Tensor[] gradients)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        steps++;
        // Per-step values: fresh scalars (KeptScalars keeps every value it is asked for).
        using var c2 = (1 - Math.Pow(Beta2, steps)).ToScalar();
        using var rate = (-LearningRate / (1 - Math.Pow(Beta1, steps))).ToScalar();
        for (int i = 0; i < parameters!.Length; i++)
        {
            var g = gradients[i];
            firstMoments![i].mul_(KeptScalars.Of(Beta1)).add_(g, KeptScalars.Of(1 - Beta1));
            secondMoments![i].mul_(KeptScalars.Of(Beta2)).addcmul_(g, g, KeptScalars.Of(1 - Beta2));
            var denominator = (secondMoments[i] / c2).sqrt_().add_(KeptScalars.Of(AdamEpsilon), KeptScalars.One);
            parameters[i].addcdiv_(firstMoments[i], denominator, rate);
        }
    }

    /// <summary>
    /// At the first batch: W₁, W₂ uniform in ±1/√fan-in (nn.Linear's bound), biases 0, drawn from the negatives' stream.
    /// The tensors outlive the batch's dispose scope; <see cref="Dispose"/> frees them.
    /// </summary>
    void Build(int features, Generator generator, Device device)
    {
        if (parameters is not null)
        {
            if (parameters[0].shape[0] != features)
                throw new ArgumentException($"learned-generator: built for inputs of {parameters[0].shape[0]} features, got {features}");
            if (parameters[0].device != device) MoveTo(device); // state loaded from a checkpoint lands on the CPU
            return;
        }
        Tensor Uniform(long rows, long cols, int fanIn) =>
            (rand([rows, cols], generator: generator, device: device) * KeptScalars.Of(2) - KeptScalars.One) * KeptScalars.Of(1 / Math.Sqrt(fanIn));
        using var _ = no_grad();
        parameters =
        [
            Uniform(features, Hidden, features), zeros([Hidden], device: device),
            Uniform(Hidden, features, Hidden), zeros([features], device: device),
        ];
        foreach (var p in parameters) p.DetachFromDisposeScope().requires_grad_(true);
        firstMoments = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        secondMoments = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    void MoveTo(Device device)
    {
        Tensor[] Moved(Tensor[] set) => set.Select(t =>
        {
            using var old = t;
            return t.detach().to(device).DetachFromDisposeScope();
        }).ToArray();
        parameters = Moved(parameters!);
        foreach (var p in parameters) p.requires_grad_(true);
        firstMoments = Moved(firstMoments!);
        secondMoments = Moved(secondMoments!);
    }

    public void SaveState(BinaryWriter w)
    {
        w.Write(steps);
        w.Write(parameters is not null);
        if (parameters is null) return;
        foreach (var set in new[] { parameters, firstMoments!, secondMoments! })
            foreach (var t in set) NegativeStreamState.Write(w, t);
    }

    public void LoadState(BinaryReader r)
    {
        Dispose();
        steps = r.ReadInt64();
        if (!r.ReadBoolean()) return;
        Tensor[] ReadSet() => Enumerable.Range(0, 4).Select(_ => NegativeStreamState.Read(r, CPU)
            ?? throw new InvalidDataException("learned-generator: a weight is missing from the checkpoint")).ToArray();
        parameters = ReadSet();
        firstMoments = ReadSet();
        secondMoments = ReadSet();
        foreach (var p in parameters) p.requires_grad_(true);
    }

    public void Dispose()
    {
        foreach (var set in new[] { parameters, firstMoments, secondMoments })
            if (set is not null) foreach (var t in set) t.Dispose();
        parameters = firstMoments = secondMoments = null;
    }
}
