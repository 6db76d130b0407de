using System.Collections.Concurrent;
using TorchSharp;

namespace FFActors.Core.Platform;

/// <summary>
/// Native Scalars that stay reachable for the life of the process.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 turns a number into a native <see cref="Scalar"/> implicitly (<c>t + 1e-8</c>,
/// <c>t.add(s)</c> adds an implicit alpha of 1), reads its handle and calls libtorch. From that
/// moment the temporary is unreachable, so the GC finalizer may free it while libtorch still uses
/// it; we saw a layer fail with "Unknown scalar type" in <c>add_Scalar</c> that way. The code passes
/// these rooted Scalars instead: BannedSymbols.txt refuses the implicit conversions and the TorchSharp
/// calls that make one inside (<c>a + b</c> and <c>a.add(b)</c> pass an alpha of 1: write
/// <c>a.add(b, KeptScalars.One)</c>). TorchSharp's own optimizers still have the race: the actor
/// runtime's fault recovery restores and replays when it strikes.
/// </remarks>
public static class KeptScalars
{
    static readonly ConcurrentDictionary<double, Scalar> Doubles = new();
    static readonly ConcurrentDictionary<long, Scalar> Longs = new();

    public static Scalar One { get; } = Of(1L);

    public static Scalar Of(double value) => Doubles.GetOrAdd(value, v => v.ToScalar());

    public static Scalar Of(long value) => Longs.GetOrAdd(value, v => v.ToScalar());
}
