using Akka.Configuration.Hocon;

namespace FFActors.Cli.Configuration.Schema;

/// <summary>
/// One configuration key: its full HOCON path, the kind of value, the default (which
/// hocon/*.conf must write next to a comment) and a one-line description. The key drives
/// binding (<see cref="ConfigReader.Get{T}"/>), the error message, the conf test and
/// docs/configuration.md.
/// </summary>
public abstract class ConfigKey(string path, string doc)
{
    public string Path => path;

    public string Doc => doc;

    /// <summary>What the key accepts, e.g. "integer in [0, 256]".</summary>
    public abstract string Allowed { get; }

    /// <summary>The default as HOCON, as hocon/*.conf writes it.</summary>
    public abstract string DefaultText { get; }

    /// <summary>A value read the way this key reads it and written back: two values mean the same when these agree.</summary>
    /// <exception cref="BadValue">The value is not one this key accepts.</exception>
    public abstract string Canonical(HoconValue value);

    /// <summary>--set values this key refuses (for the error tests).</summary>
    public abstract IEnumerable<string> Refused { get; }

    public override string ToString() => path;
}

public sealed class ConfigKey<T>(string path, ValueKind<T> kind, T defaultValue, string doc) : ConfigKey(path, doc)
{
    public ValueKind<T> Kind => kind;

    public T Default => defaultValue;

    public override string Allowed => kind.Allowed;

    public override string DefaultText => kind.Format(defaultValue);

    public override string Canonical(HoconValue value) => kind.Format(kind.Parse(value));

    public override IEnumerable<string> Refused => kind.Refused;
}

/// <summary>
/// Keys that belong together and are declared by the code that owns them: a section of the
/// reference (run, data, runtime, …) or the options of one model kind (<c>model.cwc.*</c>). A group
/// lists its keys once; the schema of a reference file is the union of its groups.
/// </summary>
public interface IKeyGroup
{
    /// <summary>The common path of the keys (for the reference's headings), e.g. "model.cwc".</summary>
    string Section { get; }

    IReadOnlyList<ConfigKey> Keys { get; }
}

/// <summary>Shorthands for declaring keys: <c>Key.Int("run.threads", 0, 0, 256, "…")</c>.</summary>
public static class Key
{
    public static ConfigKey<int> Int(string path, int defaultValue, int min, int max, string doc) => new(path, new IntKind(min, max), defaultValue, doc);

    public static ConfigKey<long> Long(string path, long defaultValue, long min, long max, string doc) => new(path, new LongKind(min, max), defaultValue, doc);

    public static ConfigKey<double> Number(string path, double defaultValue, double min, double max, string doc, bool exclusiveMin = false) =>
        new(path, new NumberKind(min, max, exclusiveMin), defaultValue, doc);

    /// <summary>A number that must be more than <paramref name="min"/> (a learning rate, a scale).</summary>
    public static ConfigKey<double> Above(string path, double defaultValue, double min, string doc, double max = double.PositiveInfinity) =>
        new(path, new NumberKind(min, max, exclusiveMin: true), defaultValue, doc);

    public static ConfigKey<bool> Bool(string path, bool defaultValue, string doc) => new(path, new BoolKind(), defaultValue, doc);

    public static ConfigKey<string> Text(string path, string defaultValue, string doc) => new(path, new TextKind(), defaultValue, doc);

    public static ConfigKey<T> Choice<T>(string path, T defaultValue, string doc, params (string Name, T Value)[] options) =>
        new(path, new ChoiceKind<T>(options), defaultValue, doc);

    public static ConfigKey<string> Word(string path, string defaultValue, string doc, IEnumerable<string> words) =>
        new(path, new ChoiceKind<string>(words.Select(w => (w, w)).ToArray()), defaultValue, doc);

    public static ConfigKey<double?> NumberOr(string path, string word, double? defaultValue, string doc) => new(path, new NumberOrWordKind(word), defaultValue, doc);

    public static ConfigKey<int[]> Ints(string path, int[] defaultValue, IntListKind kind, string doc) => new(path, kind, defaultValue, doc);

    public static ConfigKey<int[]?> Layers(string path, string doc) => new(path, new LayerListKind(), null, doc);

    public static ConfigKey<string[]> Texts(string path, string doc) => new(path, new TextListKind(), [], doc);

    public static ConfigKey<double?> Parameter(string path, ParameterType type, string doc) => new(path, new ParameterKind(type), null, doc);

    public static ConfigKey<HoconValue?> Section(string path, string doc) => new(path, new SectionKind(), null, doc);
}

/// <summary>A group from a section name and its keys.</summary>
public sealed record KeyGroup(string Section, IReadOnlyList<ConfigKey> Keys) : IKeyGroup;
