using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of LayerOptions, with its objective and optimizer (enums as their numbers, checked on arrival).</summary>
[MessagePackObject]
public sealed record WireLayerOptions(
    [property: Key(0)] int Index,
    [property: Key(1)] int InputSize,
    [property: Key(2)] int OutputSize,
    [property: Key(3)] int InputNorm,
    [property: Key(4)] int Goodness,
    [property: Key(5)] double Threshold,
    [property: Key(6)] int Loss,
    [property: Key(7)] double PeerNorm,
    [property: Key(8)] int Optimizer,
    [property: Key(9)] double LearningRate,
    [property: Key(10)] double Momentum,
    [property: Key(11)] double WeightDecay,
    [property: Key(12)] int LrSchedule,
    [property: Key(13)] double DecayStart,
    [property: Key(14)] double SymBaAlpha,
    [property: Key(15)] bool SharedHalves,
    [property: Key(16)] int[]? Window,
    [property: Key(17)] WireCwcBlock? Cwc,
    [property: Key(18)] WireHffOptions? Hff,
    [property: Key(19)] WireDistanceOptions? Distance,
    [property: Key(20)] int CollaborationRemedy,
    [property: Key(21)] double CumulativeDivisor);
