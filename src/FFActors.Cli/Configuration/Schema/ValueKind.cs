using System.Globalization;
using Akka.Configuration.Hocon;

namespace FFActors.Cli.Configuration.Schema;

/// <summary>A value a key refuses; the reader adds the key and where it was set.</summary>
public sealed class BadValue(string problem) : Exception(problem);

/// <summary>
/// The type of a key's value: how it is read from HOCON, what it allows (for errors and the key
/// reference) and how a value is written back as HOCON (for the documented default).
/// </summary>
public abstract class ValueKind<T>
{
    /// <summary>What the key accepts, e.g. "integer in [0, 256]"; shown in docs/configuration.md.</summary>
    public abstract string Allowed { get; }

    /// <exception cref="BadValue">The value is not of this kind or out of its range.</exception>
    public abstract T Parse(HoconValue value);

    /// <summary>The value as HOCON, the way hocon/*.conf writes it.</summary>
    public abstract string Format(T value);

    /// <summary>Values (as --set text) this kind refuses: the error tests set each of them.</summary>
    public abstract IEnumerable<string> Refused { get; }

    protected static string Scalar(HoconValue value)
    {
        if (value.IsObject() || value.IsArray()) throw new BadValue("expected a single value");
        return value.GetString() ?? "";
    }

    /// <summary>Akka's HOCON reads an empty list [] as an empty value, not as an array.</summary>
    protected static bool IsEmptyList(HoconValue value) => !value.IsArray() && !value.IsObject() && string.IsNullOrEmpty(value.GetString());

    protected static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    protected static string Range(string min, string max, bool exclusiveMin = false, bool exclusiveMax = false) =>
        $"{(exclusiveMin ? "(" : "[")}{min}, {max}{(exclusiveMax ? ")" : "]")}";
}

public sealed class IntKind(int min, int max) : ValueKind<int>
{
    public int Min => min;

    public int Max => max;

    public override string Allowed => $"integer in {Range(min.ToString(CultureInfo.InvariantCulture), max == int.MaxValue ? "∞" : max.ToString(CultureInfo.InvariantCulture))}";

    public override int Parse(HoconValue value)
    {
        var s = Scalar(value);
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            throw new BadValue(long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
                ? $"{s} is out of range {Range(min.ToString(CultureInfo.InvariantCulture), max.ToString(CultureInfo.InvariantCulture))}"
                : $"expected an integer, got '{s}'");
        if (v < min || v > max) throw new BadValue($"{v} is out of range {Range(min.ToString(CultureInfo.InvariantCulture), max == int.MaxValue ? "∞" : max.ToString(CultureInfo.InvariantCulture))}");
        return v;
    }

    public override string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    public override IEnumerable<string> Refused =>
        new[] { "x", "1.5", min > int.MinValue ? ((long)min - 1).ToString(CultureInfo.InvariantCulture) : null, max < int.MaxValue ? ((long)max + 1).ToString(CultureInfo.InvariantCulture) : null }
            .OfType<string>();
}

public sealed class LongKind(long min, long max) : ValueKind<long>
{
    static string Text(long v) => v switch { long.MaxValue => "∞", long.MinValue => "-∞", _ => v.ToString(CultureInfo.InvariantCulture) };

    public override string Allowed => min == long.MinValue && max == long.MaxValue ? "integer" : $"integer in {Range(Text(min), Text(max))}";

    public override long Parse(HoconValue value)
    {
        var s = Scalar(value);
        if (!long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) throw new BadValue($"expected an integer, got '{s}'");
        if (v < min || v > max) throw new BadValue($"{v} is out of range {Range(Text(min), Text(max))}");
        return v;
    }

    public override string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    public override IEnumerable<string> Refused =>
        new[] { "x", "1.5", min > long.MinValue ? (min - 1).ToString(CultureInfo.InvariantCulture) : null, max < long.MaxValue ? (max + 1).ToString(CultureInfo.InvariantCulture) : null }
            .OfType<string>();
}

/// <summary>A finite number in a range whose lower end may be open (a learning rate must be &gt; 0).</summary>
public sealed class NumberKind(double min, double max, bool exclusiveMin) : ValueKind<double>
{
    string RangeText => Range(double.IsNegativeInfinity(min) ? "-∞" : Number(min), double.IsPositiveInfinity(max) ? "∞" : Number(max), exclusiveMin);

    public override string Allowed => double.IsNegativeInfinity(min) && double.IsPositiveInfinity(max) ? "number" : $"number in {RangeText}";

    public override double Parse(HoconValue value)
    {
        var s = Scalar(value);
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new BadValue($"expected a number, got '{s}'");
        if (v < min || v > max || (exclusiveMin && v == min)) throw new BadValue($"{s} is out of range {RangeText}");
        return v;
    }

    public override string Format(double value) => Number(value);

    public override IEnumerable<string> Refused =>
        new[] { "x", "NaN", double.IsFinite(min) ? (exclusiveMin ? Number(min) : Number(min - Math.Max(1, Math.Abs(min)))) : null,
            double.IsFinite(max) ? Number(max + Math.Max(1, Math.Abs(max))) : null }.OfType<string>();
}

public sealed class BoolKind : ValueKind<bool>
{
    public override string Allowed => "true | false";

    public override bool Parse(HoconValue value) => Scalar(value) switch
    {
        "true" or "on" or "yes" => true,
        "false" or "off" or "no" => false,
        var s => throw new BadValue($"expected true or false, got '{s}'"),
    };

    public override string Format(bool value) => value ? "true" : "false";

    public override IEnumerable<string> Refused => ["maybe", "2"];
}

/// <summary>Free text (a path, a name, an address).</summary>
public sealed class TextKind : ValueKind<string>
{
    public override string Allowed => "string";

    public override string Parse(HoconValue value) => Scalar(value);

    public override string Format(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '/' or '.') && !char.IsAsciiDigit(value[0])
            ? value : $"\"{value.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"";

    public override IEnumerable<string> Refused => ["[1, 2]"];
}

/// <summary>One word of a fixed set, each standing for a value.</summary>
public sealed class ChoiceKind<T>(IReadOnlyList<(string Name, T Value)> options) : ValueKind<T>
{
    public IEnumerable<string> Names => options.Select(o => o.Name);

    public override string Allowed => string.Join(" | ", Names);

    public override T Parse(HoconValue value)
    {
        var s = Scalar(value);
        foreach (var (name, v) in options) if (name == s) return v;
        throw new BadValue($"'{s}' is not one of {string.Join(", ", Names)}");
    }

    public override string Format(T value) => options.First(o => EqualityComparer<T>.Default.Equals(o.Value, value)).Name;

    public override IEnumerable<string> Refused => ["no-such-choice", "[1]"];
}

/// <summary>A number, or a word meaning "computed" (read as null): <c>threshold = width</c>.</summary>
public sealed class NumberOrWordKind(string word) : ValueKind<double?>
{
    public override string Allowed => $"number | {word}";

    public override double? Parse(HoconValue value)
    {
        var s = Scalar(value);
        if (s == word) return null;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v : throw new BadValue($"expected a number or '{word}', got '{s}'");
    }

    public override string Format(double? value) => value is { } v ? Number(v) : word;

    public override IEnumerable<string> Refused => ["high", "NaN"];
}

/// <summary>A list of integers: its length and every entry in a range (optionally a multiple of <paramref name="step"/>).</summary>
/// <param name="none">A word that stands for the empty list (<c>train.ilt.start = none</c>); null = none.</param>
public sealed class IntListKind(int minCount, int maxCount, int min, int max, int step = 1, string? none = null, string? what = null) : ValueKind<int[]>
{
    string Entries => $"integers in [{min}, {max}]{(step > 1 ? $", multiples of {step}" : "")}";

    public override string Allowed =>
        (minCount == maxCount ? $"list of {minCount} " : maxCount == int.MaxValue ? $"list of ≥ {minCount} " : $"list of {minCount}..{maxCount} ") + Entries +
        (what is null ? "" : $" ({what})") + (none is null ? "" : $" | {none}");

    public override int[] Parse(HoconValue value)
    {
        if (none is not null && !value.IsArray() && !value.IsObject() && value.GetString() == none) return [];
        if (IsEmptyList(value)) return Checked([]);
        if (!value.IsArray()) throw new BadValue($"expected a list like {Example}, got '{value.GetString()}'");
        return Checked(value.GetArray().Select(e =>
        {
            var s = e.IsArray() || e.IsObject() ? "[...]" : e.GetString();
            return int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw new BadValue($"'{s}' is not an integer");
        }).ToArray());
    }

    string Example => what is null ? "[1, 2, 3]" : $"[{what}]";

    int[] Checked(int[] list)
    {
        string shown = $"[{string.Join(", ", list)}]";
        if (list.Length == 0 && none is not null) return list;
        if (list.Length < minCount || list.Length > maxCount)
            throw new BadValue($"{shown} has {list.Length} entries; expected {(minCount == maxCount ? $"{minCount}" : maxCount == int.MaxValue ? $"at least {minCount}" : $"{minCount} to {maxCount}")}" +
                (what is null ? "" : $" ({what})"));
        foreach (int v in list)
            if (v < min || v > max || v % step != 0) throw new BadValue($"{shown}: entry {v} is not one of the {Entries}");
        return list;
    }

    public override string Format(int[] value) => value.Length == 0 && none is not null ? none : $"[{string.Join(", ", value)}]";

    public override IEnumerable<string> Refused =>
        new[] { "7x", "[a]", $"[{min - 1L}]", $"[{max + 1L}]", minCount > 1 ? $"[{min}]" : null, maxCount < 100 ? $"[{string.Join(",", Enumerable.Repeat(Math.Max(min, step), maxCount + 1))}]" : null }
            .OfType<string>();
}

/// <summary>0-based layer indices, or <c>default</c> (read as null: the caller's choice).</summary>
public sealed class LayerListKind : ValueKind<int[]?>
{
    public const int MaxLayer = 1023;

    public override string Allowed => $"default | non-empty list of layer indices in [0, {MaxLayer}]";

    public override int[]? Parse(HoconValue value)
    {
        if (!value.IsArray() && !value.IsObject() && value.GetString() == "default") return null;
        var list = new IntListKind(1, int.MaxValue, 0, MaxLayer).Parse(value);
        return list;
    }

    public override string Format(int[]? value) => value is null ? "default" : $"[{string.Join(", ", value)}]";

    public override IEnumerable<string> Refused => ["some", "[]", "[-1]", $"[{MaxLayer + 1}]"];
}

public sealed class TextListKind(int minCount = 0) : ValueKind<string[]>
{
    public override string Allowed => minCount > 0 ? $"list of ≥ {minCount} strings" : "list of strings";

    public override string[] Parse(HoconValue value)
    {
        if (IsEmptyList(value)) return minCount > 0 ? throw new BadValue($"expected at least {minCount} entries, got []") : [];
        if (!value.IsArray()) throw new BadValue($"expected a list like [\"a\", \"b\"], got '{value.GetString()}'");
        var list = value.GetArray().Select(e => e.IsArray() || e.IsObject() ? throw new BadValue("expected a list of strings, not of lists") : e.GetString() ?? "").ToArray();
        return list.Length < minCount ? throw new BadValue($"expected at least {minCount} entries, got {list.Length}") : list;
    }

    public override string Format(string[] value) => $"[{string.Join(", ", value.Select(v => new TextKind().Format(v)))}]";

    public override IEnumerable<string> Refused => ["word"];
}

public sealed class LongListKind(int minCount) : ValueKind<long[]>
{
    public override string Allowed => $"list of ≥ {minCount} distinct integers";

    public override long[] Parse(HoconValue value)
    {
        if (IsEmptyList(value)) return minCount > 0 ? throw new BadValue($"need at least {minCount} entries, got []") : [];
        if (!value.IsArray()) throw new BadValue($"expected a list like [1, 2, 3], got '{value.GetString()}'");
        var list = value.GetArray().Select(e =>
        {
            var s = e.IsArray() || e.IsObject() ? "[...]" : e.GetString();
            return long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : throw new BadValue($"'{s}' is not an integer");
        }).ToArray();
        if (list.Length < minCount) throw new BadValue($"need at least {minCount} entries, got {list.Length}");
        if (list.Distinct().Count() != list.Length) throw new BadValue($"[{string.Join(", ", list)}] repeats a value");
        return list;
    }

    public override string Format(long[] value) => $"[{string.Join(", ", value)}]";

    public override IEnumerable<string> Refused => ["7", "[a]", "[1, 1]"];
}

/// <summary>What a parameter of a negative strategy holds; the strategy itself checks its range.</summary>
public enum ParameterType { Number, Count, Flag }

/// <summary>A strategy parameter: a number, a whole number, or a flag (on/off), or <c>default</c> (null = the strategy's own default).
/// Read as the number the strategy takes (flags as 1/0).</summary>
public sealed class ParameterKind(ParameterType type) : ValueKind<double?>
{
    public override string Allowed => "default | " + type switch
    {
        ParameterType.Count => "whole number ≥ 0",
        ParameterType.Flag => "on | off",
        _ => "number",
    };

    public override double? Parse(HoconValue value)
    {
        var s = Scalar(value);
        if (s == "default") return null;
        if (type == ParameterType.Flag)
            return s switch
            {
                "true" or "on" or "yes" or "1" => 1,
                "false" or "off" or "no" or "0" => 0,
                _ => throw new BadValue($"expected on, off or 'default', got '{s}'"),
            };
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new BadValue($"expected a number or 'default', got '{s}'");
        if (type == ParameterType.Count && (v != Math.Floor(v) || v < 0 || v > int.MaxValue))
            throw new BadValue($"expected a whole number ≥ 0 or 'default', got '{s}'");
        return v;
    }

    public override string Format(double? value) => value is not { } v ? "default" : type == ParameterType.Flag ? (v != 0 ? "on" : "off") : Number(v);

    public override IEnumerable<string> Refused => type == ParameterType.Number ? ["big", "[1]"] : ["big", "0.5", "[1]"];
}

/// <summary>A free-form object (an experiment's <c>set {}</c>, <c>arms {}</c>): its own keys are checked by whoever reads it.</summary>
public sealed class SectionKind : ValueKind<HoconValue?>
{
    public override string Allowed => "object";

    public override HoconValue? Parse(HoconValue value) =>
        value.IsObject() || IsEmptyList(value) ? value : throw new BadValue($"expected an object {{ ... }}, got '{value.GetString()}'");

    public override string Format(HoconValue? value) => "{}";

    public override IEnumerable<string> Refused => ["5"];
}
