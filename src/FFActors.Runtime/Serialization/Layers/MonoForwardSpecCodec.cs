using System.Runtime.Serialization;
using FFActors.Core.Layers;
using MessagePack;

namespace FFActors.Runtime.Serialization.Layers;

/// <summary>Wire contract of a Mono-Forward layer's own part.</summary>
[MessagePackObject]
public sealed record WireMonoForwardSpec([property: Key(0)] int InputNorm, [property: Key(1)] int Classes);

public sealed class MonoForwardSpecCodec : ILayerSpecCodec
{
    public string Kind => MonoForwardSpec.Name;

    public byte[] Pack(LayerSpec spec, MessagePackSerializerOptions options)
    {
        var s = (MonoForwardSpec)spec;
        return MessagePackSerializer.Serialize(new WireMonoForwardSpec((int)s.InputNorm, s.MonoForward.Classes), options);
    }

    public LayerSpec Unpack(WireLayerSpec c, byte[] body, MessagePackSerializerOptions options)
    {
        var m = LayerSpecWire.Read<WireMonoForwardSpec>(body, options, Kind);
        if (m.Classes < 1) throw new SerializationException($"layer spec: Mono-Forward classes {m.Classes}");
        return new MonoForwardSpec(c.Index, c.InputSize, c.OutputSize, c.OptimizerOptions, c.EpochWindow, LayerSpecWire.E<InputNorm>(m.InputNorm),
            new MonoForwardOptions(m.Classes));
    }
}
