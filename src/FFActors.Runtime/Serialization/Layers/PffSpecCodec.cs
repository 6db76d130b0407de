using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Training;
using MessagePack;

namespace FFActors.Runtime.Serialization.Layers;

/// <summary>Wire contract of a PFF layer's own part: the encoder's input norm and objective, the generative circuit's
/// options, and whether the layer is the top one (which owns the latent generator).</summary>
[MessagePackObject]
public sealed record WirePffSpec(
    [property: Key(0)] int InputNorm,
    [property: Key(1)] WireObjective Objective,
    [property: Key(2)] int Latent,
    [property: Key(3)] int InferenceSteps,
    [property: Key(4)] double InferenceRate,
    [property: Key(5)] double LatentDecay,
    [property: Key(6)] bool Top);

public sealed class PffSpecCodec : LayerSpecCodec<PffSpec, WirePffSpec>
{
    public override string Kind => PffSpec.Name;

    protected override WirePffSpec ToWire(PffSpec s)
    {
        var p = s.Pff;
        return new WirePffSpec((int)s.InputNorm, WireObjective.Of(s.Objective),
            p.Latent, p.InferenceSteps, p.InferenceRate, p.LatentDecay, s.Top);
    }

    protected override PffSpec FromWire(WireLayerSpec c, WirePffSpec d)
    {
        var pff = new PffOptions(d.Latent, d.InferenceSteps, d.InferenceRate, d.LatentDecay);
        LayerSpecWire.Check(pff.Check);
        return new PffSpec(c.Index, c.InputSize, c.OutputSize, c.OptimizerOptions, c.EpochWindow, LayerSpecWire.E<InputNorm>(d.InputNorm),
            WireObjective.Read(d.Objective), pff, d.Top);
    }
}
