using System.Runtime.Serialization;
using FFActors.Core.Layers;
using MessagePack;

namespace FFActors.Runtime.Serialization.Layers;

/// <summary>Wire contract of a prospective-configuration layer's own part: a dense layer's, and the inference options.</summary>
[MessagePackObject]
public sealed record WireProspectiveSpec(
    [property: Key(0)] int InputNorm,
    [property: Key(1)] WireObjective Objective,
    [property: Key(2)] double PeerNorm,
    [property: Key(3)] int Formulation,
    [property: Key(4)] double Beta,
    [property: Key(5)] double FeedbackGain,
    [property: Key(6)] double Consolidation,
    [property: Key(7)] int Steps,
    [property: Key(8)] double Rate,
    [property: Key(9)] double Energy,
    [property: Key(10)] int Classes);

public sealed class ProspectiveSpecCodec : LayerSpecCodec<ProspectiveSpec, WireProspectiveSpec>
{
    public override string Kind => ProspectiveSpec.Name;

    protected override WireProspectiveSpec ToWire(ProspectiveSpec s)
    {
        var p = s.Prospective;
        return new WireProspectiveSpec((int)s.InputNorm, WireObjective.Of(s.Objective), s.PeerNorm, (int)p.Formulation,
            p.Beta, p.FeedbackGain, p.Consolidation, p.Steps, p.Rate, p.Energy, p.Classes);
    }

    protected override ProspectiveSpec FromWire(WireLayerSpec c, WireProspectiveSpec d)
    {
        if (d.Classes < 1 || c.OutputSize <= d.Classes || c.InputSize <= d.Classes || !(d.PeerNorm >= 0) || !(d.Beta >= 0) || !(d.FeedbackGain >= 0)
            || !(d.Consolidation >= 0) || d.Steps < 1 || !(d.Rate > 0 && d.Rate <= 1) || !(d.Energy > 0 && d.Energy < 0.5))
            throw new SerializationException($"layer spec: prospective layer {c.InputSize}→{c.OutputSize}, classes {d.Classes}, beta {d.Beta}, " +
                $"feedback gain {d.FeedbackGain}, consolidation {d.Consolidation}, steps {d.Steps}, rate {d.Rate}, energy {d.Energy}");
        return new ProspectiveSpec(c.Index, c.InputSize, c.OutputSize, c.OptimizerOptions, c.EpochWindow, LayerSpecWire.E<InputNorm>(d.InputNorm),
            WireObjective.Read(d.Objective), d.PeerNorm, new ProspectiveOptions(LayerSpecWire.E<ProspectiveFormulation>(d.Formulation), d.Beta,
                d.FeedbackGain, d.Consolidation, d.Steps, d.Rate, d.Energy, d.Classes));
    }
}
