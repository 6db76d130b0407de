using System.Runtime.Serialization;
using FFActors.Core.Layers;
using MessagePack;

namespace FFActors.Runtime.Serialization.Layers;

/// <summary>Wire contract of a Distance-Forward layer's own part.</summary>
[MessagePackObject]
public sealed record WireDistanceSpec([property: Key(0)] int InputNorm, [property: Key(1)] int Classes, [property: Key(2)] double Margin,
    [property: Key(3)] double Scale);

public sealed class DistanceSpecCodec : LayerSpecCodec<DistanceSpec, WireDistanceSpec>
{
    public override string Kind => DistanceSpec.Name;

    protected override WireDistanceSpec ToWire(DistanceSpec s) =>
        new WireDistanceSpec((int)s.InputNorm, s.Distance.Classes, s.Distance.Margin, s.Distance.Scale);

    protected override DistanceSpec FromWire(WireLayerSpec c, WireDistanceSpec d)
    {
        if (d.Classes < 1 || !(d.Margin >= 0) || !(d.Scale > 0))
            throw new SerializationException($"layer spec: Distance-Forward classes {d.Classes}, margin {d.Margin}, scale {d.Scale}");
        return new DistanceSpec(c.Index, c.InputSize, c.OutputSize, c.OptimizerOptions, c.EpochWindow, LayerSpecWire.E<InputNorm>(d.InputNorm),
            new DistanceOptions(d.Classes, d.Margin, d.Scale));
    }
}
