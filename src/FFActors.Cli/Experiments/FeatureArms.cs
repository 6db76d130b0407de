using FFActors.Core.Training;

namespace FFActors.Cli.Experiments;

/// <summary>The kinds of feature arm the transfer protocol knows, by the name used in <c>arms.NAME.kind</c>.</summary>
public static class FeatureArms
{
    /// <summary>
    /// Factories by kind. Extension point: a CwC-FF arm (variants issue) adds
    /// <c>["cwc-features"] = ctx => new CwcFeatures(...)</c> returning its per-layer features.
    /// </summary>
    public static IReadOnlyDictionary<string, Func<FeatureArmContext, IFeatureSource>> Kinds { get; } =
        new Dictionary<string, Func<FeatureArmContext, IFeatureSource>>
        {
            ["ff-features"] = FFFeatures.Train,
            ["random-features"] = ctx => new FFFeatures(Untrained(ctx), new Dictionary<string, double>(), new Dictionary<string, double[]>()),
            ["backprop-features"] = BackpropFeatures.Train,
            ["pixels"] = _ => new PixelFeatures(),
        };

    static FFNetwork Untrained(FeatureArmContext ctx) =>
        new(ctx.Config.Config.Model, ctx.Config.Config.Train.OptimizerOrDefault, ctx.Config.Config.Run.Seed, ctx.Device);
}
