using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of TrainBatch.</summary>
[MessagePackObject]
public sealed record WireTrainBatch(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] WireTensor Positive,
    [property: Key(2)] WireTensor Negative,
    [property: Key(3)] WireTensor? GammaPositive,
    [property: Key(4)] WireTensor? GammaNegative,
    [property: Key(5)] WireTensor? Labels);
