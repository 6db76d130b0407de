using System.Runtime.Serialization;
using FFActors.Core.Layers;
using MessagePack;

namespace FFActors.Runtime.Serialization.Layers;

/// <summary>Wire contract of a Mono-Forward layer's own part.</summary>
[MessagePackObject]
public sealed record WireMonoForwardSpec([property: Key(0)] int InputNorm, [property: Key(1)] int Classes);

public sealed class MonoForwardSpecCodec : LayerSpecCodec<MonoForwardSpec, WireMonoForwardSpec>
{
    public override string Kind => MonoForwardSpec.Name;

    protected override WireMonoForwardSpec ToWire(MonoForwardSpec s) =>
        new WireMonoForwardSpec((int)s.InputNorm, s.MonoForward.Classes);

    protected override MonoForwardSpec FromWire(WireLayerSpec c, WireMonoForwardSpec m)
    {
        if (m.Classes < 1) throw new SerializationException($"layer spec: Mono-Forward classes {m.Classes}");
        return new MonoForwardSpec(c.Index, c.InputSize, c.OutputSize, c.OptimizerOptions, c.EpochWindow, LayerSpecWire.E<InputNorm>(m.InputNorm),
            new MonoForwardOptions(m.Classes));
    }
}
