using AlpacaFarm.Abstractions.Text;
using System.Globalization;
using AlpacaFarm.Abstractions.Randomness;

namespace AlpacaFarm.Simulation;

/// <summary>The instruction families of the farm world (the eval file's <c>dataset</c> field).</summary>
public static class FarmFamilies
{
    /// <summary>"List k members of a category."</summary>
    public const string List = "list";
    /// <summary>"Describe an entity."</summary>
    public const string Describe = "describe";
    /// <summary>"Answer a fact question about one attribute of an entity."</summary>
    public const string Fact = "fact";
    /// <summary>"Sort a few numbers, or reverse a short list of words."</summary>
    public const string Sequence = "sequence";
    /// <summary>"Compare two entities."</summary>
    public const string Compare = "compare";
    /// <summary>"Tell me about X": free form, detail helps with diminishing returns.</summary>
    public const string Tell = "tell";

    public static IReadOnlyList<string> All { get; } = [List, Describe, Fact, Sequence, Compare, Tell];
}

/// <summary>
/// One instruction of the world with the parameters it was drawn with. The instruction text determines the task:
/// <see cref="Parse"/> recovers it, so gold scoring needs nothing but the text.
/// </summary>
public sealed record FarmTask(
    string Family,
    int Template,
    string? Entity = null,
    string? Entity2 = null,
    string? Attribute = null,
    string? Category = null,
    int K = 0,
    string? Order = null,
    IReadOnlyList<string>? Items = null)
{
    public const string Ascending = "ascending";
    public const string Descending = "descending";
    public const string Reverse = "reverse";

    // Templates per family (canonical text; slots in braces). The fact family has one template per attribute.
    private static readonly IReadOnlyDictionary<string, string[]> Templates = new Dictionary<string, string[]>
    {
        [FarmFamilies.List] = ["List {k} {cat}.", "Name {k} {cat}.", "Give me {k} examples of {cat}."],
        [FarmFamilies.Describe] = ["Describe the {e}.", "Write a short description of the {e}."],
        [FarmFamilies.Fact] = ["What kind of thing is the {e}?", "What colour is the {e}?", "How big is the {e}?", "Where is the {e} found?", "What is the {e} like?"],
        [FarmFamilies.Sequence] = ["Sort these numbers from smallest to largest: {seq}.", "Sort these numbers from largest to smallest: {seq}.", "Reverse this list: {seq}."],
        [FarmFamilies.Compare] = ["Compare the {e} and the {f}.", "How are the {e} and the {f} different?"],
        [FarmFamilies.Tell] = ["Tell me about the {e}.", "What can you tell me about the {e}?"],
    };

    /// <summary>Every token any template contributes (for the vocabulary).</summary>
    internal static IEnumerable<string> TemplateTokens =>
        Templates.Values.SelectMany(list => list).SelectMany(template => CanonicalText.Tokenize(System.Text.RegularExpressions.Regex.Replace(template, "\\{[a-z]+\\}", " ")));

    /// <summary>The instruction text (canonical).</summary>
    public string Instruction
    {
        get
        {
            var tokens = new List<string>();
            foreach (var token in CanonicalText.Tokenize(Templates[Family][Template].Replace("{", " {").Replace("}", "} ")))
                tokens.Add(token);
            // Re-tokenising split "{e}" into "{", "e", "}": substitute slot by slot.
            var result = new List<string>();
            for (var i = 0; i < tokens.Count; i++)
            {
                if (tokens[i] == "{" && i + 2 < tokens.Count && tokens[i + 2] == "}")
                {
                    result.AddRange(Slot(tokens[i + 1]));
                    i += 2;
                }
                else result.Add(tokens[i]);
            }
            return CanonicalText.Detokenize(result);
        }
    }

    /// <summary>The task's parameters as strings (recorded in the eval file).</summary>
    public IReadOnlyDictionary<string, string> Parameters
    {
        get
        {
            var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["template"] = Template.ToString(CultureInfo.InvariantCulture) };
            if (Entity is not null) parameters["entity"] = Entity;
            if (Entity2 is not null) parameters["entity2"] = Entity2;
            if (Attribute is not null) parameters["attribute"] = Attribute;
            if (Category is not null) parameters["category"] = Category;
            if (K > 0) parameters["k"] = K.ToString(CultureInfo.InvariantCulture);
            if (Order is not null) parameters["order"] = Order;
            if (Items is not null) parameters["items"] = string.Join(" ", Items);
            return parameters;
        }
    }

    /// <summary>The sequence the sequence family expects back.</summary>
    public IReadOnlyList<string> ExpectedSequence => Order switch
    {
        Ascending => Items!.OrderBy(item => int.Parse(item, CultureInfo.InvariantCulture)).ToList(),
        Descending => Items!.OrderByDescending(item => int.Parse(item, CultureInfo.InvariantCulture)).ToList(),
        Reverse => Items!.Reverse().ToList(),
        _ => throw new InvalidOperationException("not a sequence task"),
    };

    private IEnumerable<string> Slot(string name) => name switch
    {
        "k" => [K.ToString(CultureInfo.InvariantCulture)],
        "cat" => [Category!],
        "e" => [Entity!],
        "f" => [Entity2!],
        "seq" => Items!.SelectMany((item, index) => index == 0 ? new[] { item } : [",", item]),
        _ => throw new InvalidOperationException($"unknown slot {name}"),
    };

    /// <summary>Draws one task from the world's distribution.</summary>
    public static FarmTask Draw(DeterministicRandom random)
    {
        var family = FarmFamilies.All[random.NextInt(FarmFamilies.All.Count)];
        var entities = FarmKnowledge.Entities;
        switch (family)
        {
            case FarmFamilies.List:
                return new FarmTask(family, random.NextInt(3), Category: random.Choose(FarmKnowledge.CategoryNames), K: 2 + random.NextInt(4));
            case FarmFamilies.Describe:
                return new FarmTask(family, random.NextInt(2), Entity: random.Choose(entities).Name);
            case FarmFamilies.Fact:
                var attribute = random.NextInt(FarmKnowledge.Attributes.Count);
                return new FarmTask(family, attribute, Entity: random.Choose(entities).Name, Attribute: FarmKnowledge.Attributes[attribute]);
            case FarmFamilies.Sequence:
                var template = random.NextInt(3);
                var count = 3 + random.NextInt(4);
                var items = new List<string>();
                while (items.Count < count)
                {
                    var item = template == 2 ? random.Choose(entities).Name : (1 + random.NextInt(FarmWorld.MaxNumber)).ToString(CultureInfo.InvariantCulture);
                    if (!items.Contains(item)) items.Add(item);
                }
                return new FarmTask(family, template, Order: template switch { 0 => Ascending, 1 => Descending, _ => Reverse }, Items: items);
            case FarmFamilies.Compare:
                var first = random.Choose(entities).Name;
                string second;
                do second = random.Choose(entities).Name; while (second == first);
                return new FarmTask(family, random.NextInt(2), Entity: first, Entity2: second);
            default:
                return new FarmTask(FarmFamilies.Tell, random.NextInt(2), Entity: random.Choose(entities).Name);
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, FarmTask?> ParseMemo = new(StringComparer.Ordinal);

    /// <summary><see cref="Parse"/>, memoised (bounded) for annotators that see the same instruction many times.</summary>
    internal static FarmTask? ParseCached(string instruction)
    {
        if (ParseMemo.TryGetValue(instruction, out var task)) return task;
        if (ParseMemo.Count > 100_000) ParseMemo.Clear();
        return ParseMemo[instruction] = Parse(instruction);
    }

    /// <summary>The task an instruction of the world states, or null when the text is not one.</summary>
    public static FarmTask? Parse(string instruction)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        var tokens = CanonicalText.Tokenize(instruction);
        foreach (var (family, templates) in Templates)
        {
            for (var t = 0; t < templates.Length; t++)
            {
                if (TryMatch(family, t, templates[t], tokens) is { } task && task.Instruction == instruction) return task;
            }
        }
        return null;
    }

    private static FarmTask? TryMatch(string family, int template, string text, IReadOnlyList<string> tokens)
    {
        var pattern = CanonicalText.Tokenize(text.Replace("{", " {").Replace("}", "} "));
        var slots = new Dictionary<string, string>(StringComparer.Ordinal);
        List<string>? items = null;
        var i = 0;
        for (var p = 0; p < pattern.Count; p++)
        {
            if (pattern[p] == "{" && p + 2 < pattern.Count && pattern[p + 2] == "}")
            {
                var name = pattern[p + 1];
                p += 2;
                if (name == "seq")
                {
                    // The sequence runs to the token before the template's final "."; items alternate with ",".
                    var end = tokens.Count - (pattern.Count - p - 1);
                    if (end <= i) return null;
                    items = [];
                    for (var j = i; j < end; j++)
                    {
                        if ((j - i) % 2 == 1) { if (tokens[j] != ",") return null; }
                        else items.Add(tokens[j]);
                    }
                    i = end;
                }
                else
                {
                    if (i >= tokens.Count) return null;
                    slots[name] = tokens[i++];
                }
            }
            else if (i >= tokens.Count || tokens[i++] != pattern[p]) return null;
        }
        if (i != tokens.Count) return null;
        try
        {
            var entity = slots.GetValueOrDefault("e");
            var entity2 = slots.GetValueOrDefault("f");
            if (entity is not null && !FarmKnowledge.ByName.ContainsKey(entity)) return null;
            if (entity2 is not null && !FarmKnowledge.ByName.ContainsKey(entity2)) return null;
            return family switch
            {
                FarmFamilies.List when slots.TryGetValue("cat", out var category) && FarmKnowledge.Categories.ContainsKey(category)
                    && int.TryParse(slots["k"], NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k is >= 1 and <= 9
                    => new FarmTask(family, template, Category: category, K: k),
                FarmFamilies.List => null,
                FarmFamilies.Fact => new FarmTask(family, template, Entity: entity, Attribute: FarmKnowledge.Attributes[template]),
                FarmFamilies.Sequence when items is { Count: > 0 } && (template == 2
                    ? items.All(FarmKnowledge.ByName.ContainsKey)
                    : items.All(item => int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                    => new FarmTask(family, template, Order: template switch { 0 => Ascending, 1 => Descending, _ => Reverse }, Items: items),
                FarmFamilies.Sequence => null,
                FarmFamilies.Compare => new FarmTask(family, template, Entity: entity, Entity2: entity2),
                _ => new FarmTask(family, template, Entity: entity),
            };
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
    }
}
