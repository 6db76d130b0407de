using System.Runtime.Serialization;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Training;
using MessagePack;

namespace FFActors.Runtime.Serialization.Layers;

/// <summary>Wire contract of a dense layer's own part: input norm, objective, peer norm, SCFF halves, kernel.</summary>
[MessagePackObject]
public sealed record WireDenseSpec(
    [property: Key(0)] int InputNorm,
    [property: Key(1)] int Goodness,
    [property: Key(2)] double Threshold,
    [property: Key(3)] int Loss,
    [property: Key(4)] double SymBaAlpha,
    [property: Key(5)] int CollaborationRemedy,
    [property: Key(6)] double CumulativeDivisor,
    [property: Key(7)] double PeerNorm,
    [property: Key(8)] bool SharedHalves,
    [property: Key(9)] int Kernel);

public sealed class DenseSpecCodec : ILayerSpecCodec
{
    public string Kind => DenseSpec.Name;

    public byte[] Pack(LayerSpec spec, MessagePackSerializerOptions options)
    {
        var s = (DenseSpec)spec;
        var o = s.Objective;
        return MessagePackSerializer.Serialize(new WireDenseSpec((int)s.InputNorm, (int)o.Goodness, o.Threshold, (int)o.Loss, o.Alpha,
            (int)o.Remedy, o.CumulativeDivisor, s.PeerNorm, s.SharedHalves, (int)s.Kernel), options);
    }

    public LayerSpec Unpack(WireLayerSpec c, byte[] body, MessagePackSerializerOptions options)
    {
        var d = LayerSpecWire.Read<WireDenseSpec>(body, options, Kind);
        if (!(d.CumulativeDivisor >= 1)) throw new SerializationException($"layer spec: cumulative divisor {d.CumulativeDivisor}");
        return new DenseSpec(c.Index, c.InputSize, c.OutputSize, c.OptimizerOptions, c.EpochWindow, LayerSpecWire.E<InputNorm>(d.InputNorm),
            new Objective(LayerSpecWire.E<GoodnessKind>(d.Goodness), d.Threshold, LayerSpecWire.E<LossKind>(d.Loss), d.SymBaAlpha,
                LayerSpecWire.E<CollaborationRemedy>(d.CollaborationRemedy), d.CumulativeDivisor),
            d.PeerNorm, d.SharedHalves, LayerSpecWire.E<DenseKernel>(d.Kernel));
    }
}
