using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>
/// One FF layer with its own optimizer: the unit of local learning. <see cref="Step"/> computes the
/// layer's output for a batch, updates the layer on that batch, and returns the output computed
/// BEFORE the update — the property that makes a layer-per-actor pipeline exactly equal to the
/// sequential all-layers-per-batch schedule. The two halves are also separate (<see cref="Begin"/>,
/// <see cref="Finish"/>), so a pipeline can hand the output on before it spends time on the update.
/// </summary>
public sealed class LayerTrainer : IDisposable
{
    public LayerOptions Options { get; }
    /// <summary>The layer's module: an <see cref="FFDenseLayer"/> or a <see cref="CwcBlock"/>.</summary>
    public nn.Module<Tensor, Tensor> Module { get; }
    /// <summary>The dense layer (of an HFF or Distance-Forward layer: its dense part; throws for a CwC block).</summary>
    public FFDenseLayer Layer => Module switch
    {
        FFDenseLayer dense => dense,
        HffLayer hff => hff.Dense,
        DistanceLayer df => df.Dense,
        _ => throw new InvalidOperationException($"layer {Options.Index} is not a dense layer"),
    };
    public optim.Optimizer Optimizer { get; }
    public Objective Objective => Options.Objective;
    Tensor runningMean;
    int epoch;

    /// <summary>
    /// Runs the row blocks of a dense layer's matmuls (<see cref="GemmChunks"/>): inline by default; a pipeline's layer
    /// actor lends its idle peers' threads. The blocks are the same whoever runs them, so the weights are too.
    /// </summary>
    public IChunkRunner Chunks { get; set; } = InlineChunks.Instance;

    public LayerTrainer(LayerOptions options, long seed, Device device)
    {
        Options = options;
        using var init = new Generator((ulong)SeedStreams.Derive(seed, SeedStreams.LayerInit, options.Index));
        Module = options switch
        {
            { Cwc: { } block } => new CwcBlock(block, init, $"layer{options.Index}"),
            { Hff: { } hff } => new HffLayer(options.InputSize, options.OutputSize, options.InputNorm, hff, init, $"layer{options.Index}"),
            { Distance: { } df } => new DistanceLayer(options.InputSize, options.OutputSize, options.InputNorm, df, init, $"layer{options.Index}"),
            _ => new FFDenseLayer(options.InputSize, options.OutputSize, options.InputNorm, init, $"layer{options.Index}", options.SharedHalves),
        };
        Module.to(device);
        var o = options.Optimizer;
        Optimizer = o.Kind switch
        {
            OptimizerKind.Adam => optim.Adam(Module.parameters(), o.LearningRate, weight_decay: o.WeightDecay),
            OptimizerKind.Sgd => optim.SGD(Module.parameters(), o.LearningRate, momentum: o.Momentum, weight_decay: o.WeightDecay),
            _ => throw new ArgumentOutOfRangeException(nameof(options)),
        };
        runningMean = full([options.OutputSize], KeptScalars.Of(0.5f), device: device).DetachFromDisposeScope();
    }

    /// <summary>Sets the learning rate for a 0-based epoch of the schedule.</summary>
    public void SetEpoch(int epoch, int epochs)
    {
        this.epoch = epoch;
        double lr = Options.LearningRateAt(epoch, epochs);
        foreach (var group in Optimizer.ParamGroups) group.LearningRate = lr;
    }

    public double LearningRate => Optimizer.ParamGroups.First().LearningRate;

    /// <summary>Whether the layer learns in the current epoch (its ILT window; always without one).</summary>
    public bool Learning => Options.Window is not { } w || w.Contains(epoch);

    /// <summary>Forward without learning (no autograd; BatchNorm uses its running statistics).</summary>
    public Tensor Forward(Tensor x)
    {
        using var _ = no_grad();
        Module.eval();
        var h = Module.forward(x);
        return h;
    }

    /// <summary>
    /// What the layer contributes to goodness scoring of activities h: per-sample goodness [B] for a
    /// dense layer (scored once per overlaid label), class scores [B, C] for a label-driven layer (all
    /// classes in one pass): a CwC block's class-goodness matrix, an HFF layer's prototype cosines, a
    /// Distance-Forward layer's negative distances to the class centres.
    /// </summary>
    public Tensor ScoreOf(Tensor h) => Module switch
    {
        CwcBlock => Options.CwcObjective!.GoodnessMatrix(h),
        HffLayer hff => hff.ClassScores(h),
        DistanceLayer df => df.ClassScores(h),
        _ => Objective.GoodnessOf(h),
    };

    /// <summary>Loss of a label-driven layer's class scores.</summary>
    Tensor LabelLoss(Tensor scores, Tensor labels) => Options switch
    {
        { CwcObjective: { } cwc } => cwc.LossOf(scores, labels),
        { Distance: { } df } => DistanceLayer.MarginLoss(scores, labels, df.Margin),
        _ => nn.functional.cross_entropy(scores, labels),
    };

    /// <summary>
    /// One local update on (pos, neg). <paramref name="collabPos"/>/<paramref name="collabNeg"/> are the
    /// already scaled, detached collaboration terms s·γ (null when collaboration is off).
    /// The returned tensors are detached and belong to the caller's dispose scope.
    /// </summary>
    /// <param name="labels">The batch's labels [B]: needed by CwC blocks (which get the plain images as
    /// <paramref name="pos"/> and an empty <paramref name="neg"/>), ignored by dense layers.</param>
    public (LayerOutput Output, LayerStepStats Stats) Step(Tensor pos, Tensor neg, Tensor? collabPos = null, Tensor? collabNeg = null, Tensor? labels = null)
    {
        var step = Begin(pos, neg, collabPos, collabNeg, labels);
        Finish(step);
        return (step.Output, step.Stats);
    }

    /// <summary>
    /// The first half of <see cref="Step"/>: the forward pass, the loss and the step's statistics (all
    /// from the weights before the update). The update itself waits for <see cref="Finish"/>.
    /// </summary>
    public PendingStep Begin(Tensor pos, Tensor neg, Tensor? collabPos = null, Tensor? collabNeg = null, Tensor? labels = null)
    {
        if (Options.LabelDriven)
            return LabelStep(pos, neg, labels ?? throw new ArgumentException($"layer {Options.Index}: a label-driven layer (CwC, HFF, Distance-Forward) needs the labels"));
        if (!Learning) return FrozenStep(pos, neg, collabPos, collabNeg);
        Module.train();
        // The layer's matmuls and per-unit work run in row blocks outside autograd, so idle threads can share them
        // (DenseStep); the loss's graph starts at the goodness, so any objective, γ or remedy works as before.
        var dense = (FFDenseLayer)Module;
        var forward = DenseStep.Forward(dense, Objective, [pos, neg], Chunks);
        var (hPos, hNeg) = (forward.Activities[0], forward.Activities[1]);
        var gPos = forward.Goodness[0].requires_grad_();
        var gNeg = forward.Goodness[1].requires_grad_();
        var loss = Objective.LossOf(gPos, gNeg, collabPos, collabNeg);
        Tensor? batchMean = null;
        if (Options.PeerNorm > 0)
        {
            // Hinton's peer normalisation (as in loeweX): keep every unit's running mean activity
            // near the layer's average so no unit is always off or always on.
            batchMean = hPos.mean([0]).requires_grad_();
            var mean = runningMean.mul(KeptScalars.Of(0.9)) + batchMean.mul(KeptScalars.Of(0.1));
            loss = loss + (mean.mean() - mean).Squared().mean().mul(KeptScalars.Of(Options.PeerNorm));
            var updated = mean.detach();
            runningMean.Dispose();
            runningMean = updated.DetachFromDisposeScope();
        }
        using var s = stack([
            loss.detach(),
            gPos.detach().mean(),
            gNeg.detach().mean(),
            cat([gPos.detach().gt(KeptScalars.Of(Objective.Threshold)), gNeg.detach().le(KeptScalars.Of(Objective.Threshold))]).to(ScalarType.Float32).mean(),
            hPos.amax([0]).le(KeptScalars.Of(0.0)).to(ScalarType.Float32).mean(),
        ]).cpu();
        var v = s.data<float>().ToArray();
        // The output gets tensors of its own (sharing storage): a pipeline hands them to the next layer, which may
        // dispose of them while this layer's update still reads the activities.
        return new PendingStep(new LayerOutput(hPos.detach(), hNeg.detach()), new LayerStepStats(v[0], v[1], v[2], v[3], v[4]), loss,
            forward with { BatchMean = batchMean });
    }

    /// <summary>The second half of <see cref="Step"/>: the update from the loss of <paramref name="step"/> (none outside the layer's ILT window).</summary>
    public void Finish(PendingStep step)
    {
        if (step.Loss is not { } loss) return;
        Optimizer.zero_grad();
        loss.backward();
        if (step.Dense is { } d)
        {
            // A dense layer's step is explicit end to end: blocked backward, then a blocked one-pass Adam update.
            DenseStep.Backward((FFDenseLayer)Module, Objective, d, [d.Goodness[0].grad, d.Goodness[1].grad], d.BatchMean?.grad, Chunks);
            AdamStep.Step(Optimizer, Chunks);
        }
        else
        {
            // Autograd-driven layers (CwC blocks, HFF, Distance-Forward) keep TorchSharp's step. CwC training amplifies
            // rounding: with the one-pass Adam the blocks' weights differed by up to 4 % of their largest value after
            // 20 steps, and the suite's short CwC run fell from 94.60 % to 87.80 % goodness accuracy (one seed).
            Optimizer.step();
        }
    }

    /// <summary>Outside its ILT window a dense layer forwards and reports, without an update.</summary>
    PendingStep FrozenStep(Tensor pos, Tensor neg, Tensor? collabPos, Tensor? collabNeg)
    {
        var hPos = Forward(pos);
        var hNeg = Forward(neg);
        var gPos = Objective.GoodnessOf(hPos);
        var gNeg = Objective.GoodnessOf(hNeg);
        using var s = stack([
            Objective.LossOf(gPos, gNeg, collabPos, collabNeg),
            gPos.mean(),
            gNeg.mean(),
            cat([gPos.gt(KeptScalars.Of(Objective.Threshold)), gNeg.le(KeptScalars.Of(Objective.Threshold))]).to(ScalarType.Float32).mean(),
            hPos.amax([0]).le(KeptScalars.Of(0.0)).to(ScalarType.Float32).mean(),
        ]).cpu();
        var v = s.data<float>().ToArray();
        return new PendingStep(new LayerOutput(hPos, hNeg), new LayerStepStats(v[0], v[1], v[2], v[3], v[4]), null);
    }

    /// <summary>
    /// A label-driven layer (CwC-FF block, HFF or Distance-Forward layer): one update from the class scores of the plain
    /// images and their labels (no negatives); outside its ILT window it only forwards (frozen, BatchNorm
    /// on its running statistics). Stats: GoodPos/GoodNeg are the mean score of the true class and of the
    /// other classes, Separation the fraction of samples whose true class scores highest, DeadUnits the
    /// fraction of units (CwC: channels before BatchNorm) that were zero for every sample.
    /// </summary>
    PendingStep LabelStep(Tensor x, Tensor neg, Tensor labels)
    {
        bool learning = Learning;
        Tensor h, dead;
        using (learning ? null : no_grad())
        {
            if (learning) Module.train();
            else Module.eval();
            if (Module is CwcBlock block)
            {
                (h, var activity) = block.ForwardWithActivity(x);
                dead = CwcBlock.DeadChannels(activity);
            }
            else
            {
                h = Module.forward(x);
                dead = h.detach().amax([0]).le(KeptScalars.Of(0.0)).to(ScalarType.Float32).mean();
            }
        }
        var scores = ScoreOf(h);
        var loss = LabelLoss(scores, labels);
        var sd = scores.detach();
        var pTrue = sd.gather(1, labels.unsqueeze(1)).squeeze(1);
        var pOthers = sd.sum([1]).sub(pTrue).div(KeptScalars.Of(sd.shape[1] - 1));
        using var s = stack([
            loss.detach(),
            pTrue.mean(),
            pOthers.mean(),
            sd.argmax(1).eq(labels).to(ScalarType.Float32).mean(),
            dead,
        ]).cpu();
        var v = s.data<float>().ToArray();
        return new PendingStep(new LayerOutput(h.detach(), neg.alias()), new LayerStepStats(v[0], v[1], v[2], v[3], v[4]), learning ? loss : null);
    }

    /// <summary>Peer-normalisation running means: part of the layer's training state.</summary>
    public Tensor RunningMean => runningMean;

    public void Dispose()
    {
        Optimizer.Dispose();
        Module.Dispose();
        runningMean.Dispose();
    }
}
