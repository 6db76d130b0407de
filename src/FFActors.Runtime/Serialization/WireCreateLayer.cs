using FFActors.Core.Layers;
using FFActors.Runtime.Serialization.Layers;
using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of CreateLayer; actor references as serialized actor paths.</summary>
[MessagePackObject]
public sealed record WireCreateLayer(
    [property: Key(0)] string RunId,
    [property: Key(1)] int Generation,
    [property: Key(2)] WireLayerSpec Options,
    [property: Key(3)] long Seed,
    [property: Key(4)] int Epochs,
    [property: Key(5)] int CreditWindow,
    [property: Key(6)] int Threads,
    [property: Key(7)] string Coordinator,
    [property: Key(8)] string? Downstream,
    [property: Key(9)] byte[]? Checkpoint,
    [property: Key(10)] bool ReportGoodness);
