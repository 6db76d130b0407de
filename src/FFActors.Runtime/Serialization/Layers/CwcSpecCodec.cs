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

public sealed class CwcSpecCodec : ILayerSpecCodec
{
    public string Kind => CwcSpec.Name;

    public byte[] Pack(LayerSpec spec, MessagePackSerializerOptions options)
    {
        var s = (CwcSpec)spec;
        var b = s.Block;
        return MessagePackSerializer.Serialize(new WireCwcSpec(b.InChannels, b.Height, b.Width, b.OutChannels, b.Groups, b.MaxPool, b.Classes,
            b.HeadPool, s.Objective.Classes, (int)s.Objective.Loss, s.Objective.Threshold), options);
    }

    public LayerSpec Unpack(WireLayerSpec common, byte[] body, MessagePackSerializerOptions options)
    {
        var c = LayerSpecWire.Read<WireCwcSpec>(body, options, Kind);
        if (c.InChannels < 1 || c.Height < 1 || c.Width < 1 || c.OutChannels < 1 || c.Groups < 1 || c.Classes < 1 || c.ObjectiveClasses < 1 || c.HeadPool < 0)
            throw new SerializationException($"layer spec: CwC block {c.InChannels}x{c.Height}x{c.Width}→{c.OutChannels}/{c.Groups}");
        return new CwcSpec(common.Index, common.OptimizerOptions, common.EpochWindow,
            new CwcBlockOptions(c.InChannels, c.Height, c.Width, c.OutChannels, c.Groups, c.MaxPool, c.Classes, c.HeadPool),
            new CwcObjective(c.ObjectiveClasses, LayerSpecWire.E<CwcLoss>(c.ObjectiveLoss), c.ObjectiveThreshold));
    }
}
