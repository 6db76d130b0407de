using System.Runtime.Serialization;
using FFActors.Core.Layers;
using MessagePack;

namespace FFActors.Runtime.Serialization.Layers;

/// <summary>Wire contract of a Distance-Forward layer's own part.</summary>
[MessagePackObject]
public sealed record WireDistanceSpec([property: Key(0)] int InputNorm, [property: Key(1)] int Classes, [property: Key(2)] double Margin,
    [property: Key(3)] double Scale);

public sealed class DistanceSpecCodec : ILayerSpecCodec
{
    public string Kind => DistanceSpec.Name;

    public byte[] Pack(LayerSpec spec, MessagePackSerializerOptions options)
    {
        var s = (DistanceSpec)spec;
        return MessagePackSerializer.Serialize(new WireDistanceSpec((int)s.InputNorm, s.Distance.Classes, s.Distance.Margin, s.Distance.Scale), options);
    }

    public LayerSpec Unpack(WireLayerSpec c, byte[] body, MessagePackSerializerOptions options)
    {
        var d = LayerSpecWire.Read<WireDistanceSpec>(body, options, Kind);
        if (d.Classes < 1 || !(d.Margin >= 0) || !(d.Scale > 0))
            throw new SerializationException($"layer spec: Distance-Forward classes {d.Classes}, margin {d.Margin}, scale {d.Scale}");
        return new DistanceSpec(c.Index, c.InputSize, c.OutputSize, c.OptimizerOptions, c.EpochWindow, LayerSpecWire.E<InputNorm>(d.InputNorm),
            new DistanceOptions(d.Classes, d.Margin, d.Scale));
    }
}
