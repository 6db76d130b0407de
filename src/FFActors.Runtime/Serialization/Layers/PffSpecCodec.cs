using System.Runtime.Serialization;
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
    [property: Key(1)] int Goodness,
    [property: Key(2)] double Threshold,
    [property: Key(3)] int Loss,
    [property: Key(4)] double SymBaAlpha,
    [property: Key(5)] int CollaborationRemedy,
    [property: Key(6)] double CumulativeDivisor,
    [property: Key(7)] int Latent,
    [property: Key(8)] int InferenceSteps,
    [property: Key(9)] double InferenceRate,
    [property: Key(10)] double LatentDecay,
    [property: Key(11)] bool Top);

public sealed class PffSpecCodec : ILayerSpecCodec
{
    public string Kind => PffSpec.Name;

    public byte[] Pack(LayerSpec spec, MessagePackSerializerOptions options)
    {
        var s = (PffSpec)spec;
        var o = s.Objective;
        var p = s.Pff;
        return MessagePackSerializer.Serialize(new WirePffSpec((int)s.InputNorm, (int)o.Goodness, o.Threshold, (int)o.Loss, o.Alpha,
            (int)o.Remedy, o.CumulativeDivisor, p.Latent, p.InferenceSteps, p.InferenceRate, p.LatentDecay, s.Top), options);
    }

    public LayerSpec Unpack(WireLayerSpec c, byte[] body, MessagePackSerializerOptions options)
    {
        var d = LayerSpecWire.Read<WirePffSpec>(body, options, Kind);
        if (!(d.CumulativeDivisor >= 1)) throw new SerializationException($"layer spec: cumulative divisor {d.CumulativeDivisor}");
        var pff = new PffOptions(d.Latent, d.InferenceSteps, d.InferenceRate, d.LatentDecay);
        try
        {
            pff.Check();
        }
        catch (ArgumentException e)
        {
            throw new SerializationException($"layer spec: {e.Message}", e);
        }
        return new PffSpec(c.Index, c.InputSize, c.OutputSize, c.OptimizerOptions, c.EpochWindow, LayerSpecWire.E<InputNorm>(d.InputNorm),
            new Objective(LayerSpecWire.E<GoodnessKind>(d.Goodness), d.Threshold, LayerSpecWire.E<LossKind>(d.Loss), d.SymBaAlpha,
                LayerSpecWire.E<CollaborationRemedy>(d.CollaborationRemedy), d.CumulativeDivisor), pff, d.Top);
    }
}
