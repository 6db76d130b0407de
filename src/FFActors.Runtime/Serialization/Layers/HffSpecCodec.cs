using System.Runtime.Serialization;
using FFActors.Core.Layers;
using MessagePack;

namespace FFActors.Runtime.Serialization.Layers;

/// <summary>Wire contract of a Hyperspherical FF layer's own part.</summary>
[MessagePackObject]
public sealed record WireHffSpec([property: Key(0)] int InputNorm, [property: Key(1)] int Classes, [property: Key(2)] double Scale);

public sealed class HffSpecCodec : LayerSpecCodec<HffSpec, WireHffSpec>
{
    public override string Kind => HffSpec.Name;

    protected override WireHffSpec ToWire(HffSpec s) =>
        new WireHffSpec((int)s.InputNorm, s.Hff.Classes, s.Hff.Scale);

    protected override HffSpec FromWire(WireLayerSpec c, WireHffSpec h)
    {
        if (h.Classes < 1 || !(h.Scale > 0)) throw new SerializationException($"layer spec: HFF classes {h.Classes}, scale {h.Scale}");
        return new HffSpec(c.Index, c.InputSize, c.OutputSize, c.OptimizerOptions, c.EpochWindow, LayerSpecWire.E<InputNorm>(h.InputNorm),
            new HffOptions(h.Classes, h.Scale));
    }
}
