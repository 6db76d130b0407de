using System.Runtime.Serialization;
using FFActors.Core.Layers;
using MessagePack;

namespace FFActors.Runtime.Serialization.Layers;

/// <summary>Wire contract of a CwC-FF block's shape and its objective.</summary>
[MessagePackObject]
public sealed record WireCwcSpec(
    [property: Key(0)] int InChannels,
    [property: Key(1)] int Height,
    [property: Key(2)] int Width,
    [property: Key(3)] int OutChannels,
    [property: Key(4)] int Groups,
    [property: Key(5)] bool MaxPool,
    [property: Key(6)] int Classes,
    [property: Key(7)] int HeadPool,
    [property: Key(8)] int ObjectiveClasses,
    [property: Key(9)] int ObjectiveLoss,
    [property: Key(10)] double ObjectiveThreshold);

public sealed class CwcSpecCodec : LayerSpecCodec<CwcSpec, WireCwcSpec>
{
    public override string Kind => CwcSpec.Name;

    protected override WireCwcSpec ToWire(CwcSpec s)
    {
        var b = s.Block;
        return new WireCwcSpec(b.InChannels, b.Height, b.Width, b.OutChannels, b.Groups, b.MaxPool, b.Classes,
            b.HeadPool, s.Objective.Classes, (int)s.Objective.Loss, s.Objective.Threshold);
    }

    protected override CwcSpec FromWire(WireLayerSpec common, WireCwcSpec c)
    {
        if (c.InChannels < 1 || c.Height < 1 || c.Width < 1 || c.OutChannels < 1 || c.Groups < 1 || c.Classes < 1 || c.ObjectiveClasses < 1 || c.HeadPool < 0)
            throw new SerializationException($"layer spec: CwC block {c.InChannels}x{c.Height}x{c.Width}→{c.OutChannels}/{c.Groups}");
        return new CwcSpec(common.Index, common.OptimizerOptions, common.EpochWindow,
            new CwcBlockOptions(c.InChannels, c.Height, c.Width, c.OutChannels, c.Groups, c.MaxPool, c.Classes, c.HeadPool),
            new CwcObjective(c.ObjectiveClasses, LayerSpecWire.E<CwcLoss>(c.ObjectiveLoss), c.ObjectiveThreshold));
    }
}
