using FFActors.Core.Objectives;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>A CwC-FF convolutional block (<see cref="CwcBlock"/>) with its channel-wise competitive objective.
/// InputSize/OutputSize are the block's flattened sizes.</summary>
public sealed record CwcSpec(int Index, OptimizerOptions Optimizer, EpochWindow? Window, CwcBlockOptions Block, CwcObjective Objective)
    : LayerSpec(Index, Block.InputSize, Block.OutputSize, Optimizer, Window)
{
    public const string Name = "cwc";

    public override string Kind => Name;

    public override bool LabelDriven => true;

    public override IFFLayer Create(long seed, Device device) => new CwcLayer(this, seed, device);

    public override nn.Module<Tensor, Tensor> CreateModule(Generator init, string name) => new CwcBlock(Block, init, name);
}

/// <summary>A CwC-FF block: class goodness from its channel groups, CwC_CE or PvN loss.</summary>
public sealed class CwcLayer(CwcSpec spec, long seed, Device device) : LabelDrivenLayer(spec, seed, device)
{
    public new CwcSpec Spec { get; } = spec;

    public override Tensor Score(Tensor h) => Spec.Objective.GoodnessMatrix(h);

    /// <summary>The block's (BatchNorm-ed) output, average-pooled per channel when it has a head pool.</summary>
    public override Tensor Features(Tensor h) =>
        (Spec.Block.HeadPool > 0 ? nn.functional.adaptive_avg_pool2d(h, [Spec.Block.HeadPool, Spec.Block.HeadPool]) : h).flatten(1);

    protected override Tensor LabelLoss(Tensor scores, Tensor labels) => Spec.Objective.LossOf(scores, labels);

    /// <summary>Dead units of a block are its channels before BatchNorm that are zero everywhere in the batch.</summary>
    protected override (Tensor Output, Tensor Dead) ForwardWithDead(Tensor x)
    {
        var (h, activity) = ((CwcBlock)Module).ForwardWithActivity(x);
        return (h, CwcBlock.DeadChannels(activity));
    }
}

/// <summary>CwC-FF networks: the blocks of <c>model.cwc</c> replace <c>model.layers</c>.</summary>
public sealed record CwcKind(CwcOptions Options) : ILayerKind
{
    public string Name => CwcSpec.Name;

    public bool LabelDriven => true;

    public IReadOnlyList<LayerSpec> Specs(ModelOptions model, NetworkContext context)
    {
        var cwc = Options;
        var objective = new CwcObjective(cwc.Classes, cwc.Loss);
        return cwc.Blocks().Select((b, i) => new CwcSpec(i, context.Optimizer, context.Window(i), b, objective)).ToArray();
    }

    public string Describe(ModelOptions model) =>
        $"cwc channels [{string.Join(", ", Options.Channels)}]{(Options.Cfse ? " cfse" : "")} {Options.Loss}";

    public string Fingerprint(ModelOptions model) => $";cwc={string.Join('-', Options.Channels)},{Options.Cfse},{Options.Loss}";

    /// <summary>A block's convolution: 3×3 kernel, its groups, at its input resolution.</summary>
    public double[] LayerWork(ModelOptions model) =>
        Options.Blocks().Select(b => 9.0 * b.InChannels / b.Groups * b.OutChannels * b.Height * b.Width).ToArray();
}
