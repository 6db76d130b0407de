using System.Runtime.Serialization;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Training;
using MessagePack;

namespace FFActors.Runtime.Serialization.Layers;

/// <summary>Wire contract of a dendritic layer's own part: input norm, objective, peer norm, context width, basal label.</summary>
[MessagePackObject]
public sealed record WireDendriticSpec(
    [property: Key(0)] int InputNorm,
    [property: Key(1)] WireObjective Objective,
    [property: Key(2)] double PeerNorm,
    [property: Key(3)] int Classes,
    [property: Key(4)] bool BasalLabel);

public sealed class DendriticSpecCodec : LayerSpecCodec<DendriticSpec, WireDendriticSpec>
{
    public override string Kind => DendriticSpec.Name;

    protected override WireDendriticSpec ToWire(DendriticSpec s) =>
        new WireDendriticSpec((int)s.InputNorm, WireObjective.Of(s.Objective), s.PeerNorm, s.Classes, s.BasalLabel);

    protected override DendriticSpec FromWire(WireLayerSpec c, WireDendriticSpec d)
    {
        if (d.Classes < 1 || c.OutputSize <= d.Classes || c.InputSize <= d.Classes || !(d.PeerNorm >= 0))
            throw new SerializationException($"layer spec: dendritic layer {c.InputSize}→{c.OutputSize} with {d.Classes} context columns, peer norm {d.PeerNorm}");
        return new DendriticSpec(c.Index, c.InputSize, c.OutputSize, c.OptimizerOptions, c.EpochWindow, LayerSpecWire.E<InputNorm>(d.InputNorm),
            WireObjective.Read(d.Objective), d.PeerNorm, d.Classes, d.BasalLabel);
    }
}
