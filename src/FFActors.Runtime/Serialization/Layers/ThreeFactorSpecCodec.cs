using System.Runtime.Serialization;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Training;
using MessagePack;

namespace FFActors.Runtime.Serialization.Layers;

/// <summary>Wire contract of a three-factor layer's own part: the dense part's input norm, objective and peer norm, the
/// modulation options, and whether it is the top layer.</summary>
[MessagePackObject]
public sealed record WireThreeFactorSpec(
    [property: Key(0)] int InputNorm,
    [property: Key(1)] WireObjective Objective,
    [property: Key(2)] double PeerNorm,
    [property: Key(3)] int Modulation,
    [property: Key(4)] int Formulation,
    [property: Key(5)] double InitialScale,
    [property: Key(6)] double RewardMomentum,
    [property: Key(7)] int Classes,
    [property: Key(8)] bool Top);

public sealed class ThreeFactorSpecCodec : LayerSpecCodec<ThreeFactorSpec, WireThreeFactorSpec>
{
    public override string Kind => ThreeFactorSpec.Name;

    protected override WireThreeFactorSpec ToWire(ThreeFactorSpec s)
    {
        var t = s.ThreeFactor;
        return new WireThreeFactorSpec((int)s.InputNorm, WireObjective.Of(s.Objective),
            s.PeerNorm, (int)t.Modulation, (int)t.Formulation, t.InitialScale, t.RewardMomentum, t.Classes, s.Top);
    }

    protected override ThreeFactorSpec FromWire(WireLayerSpec c, WireThreeFactorSpec d)
    {
        if (d.Classes < 2) throw new SerializationException($"layer spec: {d.Classes} classes");
        var three = new ThreeFactorOptions(LayerSpecWire.E<Modulation>(d.Modulation), LayerSpecWire.E<ModulationFormulation>(d.Formulation),
            d.InitialScale, d.RewardMomentum, d.Classes);
        LayerSpecWire.Check(three.Check);
        return new ThreeFactorSpec(c.Index, c.InputSize, c.OutputSize, c.OptimizerOptions, c.EpochWindow, LayerSpecWire.E<InputNorm>(d.InputNorm),
            WireObjective.Read(d.Objective),
            d.PeerNorm, three, d.Top);
    }
}
