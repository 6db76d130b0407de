using FFActors.Core.Objectives;

namespace FFActors.Core.Layers;

/// <summary>CwC-FF networks: the blocks of <c>model.cwc</c> replace <c>model.layers</c>.</summary>
public sealed class CwcKind : ILayerKind
{
    public string Name => CwcSpec.Name;

    public bool Describes(ModelOptions model) => model.Cwc is not null;

    public bool LabelDriven => true;

    public IReadOnlyList<LayerSpec> Specs(ModelOptions model, NetworkContext context)
    {
        var cwc = model.Cwc!;
        var objective = new CwcObjective(cwc.Classes, cwc.Loss);
        return cwc.Blocks().Select((b, i) => new CwcSpec(i, context.Optimizer, context.Window(i), b, objective)).ToArray();
    }

    public string Fingerprint(ModelOptions model) => model.Cwc is { } cwc ? $";cwc={string.Join('-', cwc.Channels)},{cwc.Cfse},{cwc.Loss}" : "";

    /// <summary>A block's convolution: 3×3 kernel, its groups, at its input resolution.</summary>
    public double[] LayerWork(ModelOptions model) =>
        model.Cwc!.Blocks().Select(b => 9.0 * b.InChannels / b.Groups * b.OutChannels * b.Height * b.Width).ToArray();
}
