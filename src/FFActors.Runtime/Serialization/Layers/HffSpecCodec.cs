using System.Runtime.Serialization;
using FFActors.Core.Layers;
using MessagePack;

namespace FFActors.Runtime.Serialization.Layers;

/// <summary>Wire contract of a Hyperspherical FF layer's own part.</summary>
[MessagePackObject]
public sealed record WireHffSpec([property: Key(0)] int InputNorm, [property: Key(1)] int Classes, [property: Key(2)] double Scale);

public sealed class HffSpecCodec : ILayerSpecCodec
{
    public string Kind => HffSpec.Name;

    public byte[] Pack(LayerSpec spec, MessagePackSerializerOptions options)
    {
        var s = (HffSpec)spec;
        return MessagePackSerializer.Serialize(new WireHffSpec((int)s.InputNorm, s.Hff.Classes, s.Hff.Scale), options);
    }

    public LayerSpec Unpack(WireLayerSpec c, byte[] body, MessagePackSerializerOptions options)
    {
        var h = LayerSpecWire.Read<WireHffSpec>(body, options, Kind);
        if (h.Classes < 1 || !(h.Scale > 0)) throw new SerializationException($"layer spec: HFF classes {h.Classes}, scale {h.Scale}");
        return new HffSpec(c.Index, c.InputSize, c.OutputSize, c.OptimizerOptions, c.EpochWindow, LayerSpecWire.E<InputNorm>(h.InputNorm),
            new HffOptions(h.Classes, h.Scale));
    }
}
