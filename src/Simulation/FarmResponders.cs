using AlpacaFarm.Abstractions.Text;
using System.Globalization;
using AlpacaFarm.Abstractions.Randomness;

namespace AlpacaFarm.Simulation;

/// <summary>How a scripted responder writes: error rates, how much detail, format habits.</summary>
internal sealed record ResponderStyle(
    string Name,
    double ErrorRate,
    int DetailMin,
    int DetailMax,
    double FullSentence,
    double ExtraFact,
    double Numbered,
    double ListCountError,
    double WrongMember,
    double SequenceError,
    double Filler,
    double Repeat,
    double Malformed);

/// <summary>
/// The scripted responders. The reference ("davinci003") is good but imperfect: few errors, about the ideal amount of
/// detail, an occasional filler sentence. The demonstrator, who writes the SFT data, is weaker and noisier: more
/// wrong facts and list members, less detail, some repetition and format slips — so there is room above it.
/// </summary>
public static class FarmResponders
{
    /// <summary>Generator name of the reference outputs.</summary>
    public const string ReferenceGenerator = "farm-reference";

    /// <summary>Generator name of the demonstrations.</summary>
    public const string DemonstratorGenerator = "farm-demonstrator";

    internal static readonly ResponderStyle Reference = new("reference", ErrorRate: 0.08, DetailMin: 3, DetailMax: 4, FullSentence: 0.9, ExtraFact: 0.5,
        Numbered: 0.7, ListCountError: 0.03, WrongMember: 0.05, SequenceError: 0.08, Filler: 0.15, Repeat: 0.02, Malformed: 0.01);

    internal static readonly ResponderStyle Demonstrator = new("demonstrator", ErrorRate: 0.12, DetailMin: 1, DetailMax: 3, FullSentence: 0.6, ExtraFact: 0.15,
        Numbered: 0.4, ListCountError: 0.12, WrongMember: 0.07, SequenceError: 0.15, Filler: 0.1, Repeat: 0.1, Malformed: 0.06);

    /// <summary>The demonstrator made correct and terse: no errors or slips, the least detail.</summary>
    internal static readonly ResponderStyle Terse = Demonstrator with
    {
        Name = "terse", ErrorRate = 0, DetailMax = 1, FullSentence = 0.3, ExtraFact = 0, ListCountError = 0, WrongMember = 0,
        SequenceError = 0, Filler = 0, Repeat = 0, Malformed = 0, Numbered = 0,
    };

    /// <summary>Content-free sentences: fillers when one slips in, padding when many do.</summary>
    internal static readonly IReadOnlyList<string> Fillers =
    [
        "I hope this helps.", "This is a good question.", "There is a lot more to say about this.", "Let me know if you have more questions.",
        "Thank you for asking.", "That is all I can say for now.", "Many people ask about this.", "It is an interesting topic.",
    ];

    /// <summary>Every fixed phrase a responder uses, slots removed (for the vocabulary).</summary>
    internal static readonly IReadOnlyList<string> Phrases =
    [
        "The is a an . It is in size . It is found in the . Here are : Some are and , . The sorted numbers are : The reversed list is :",
        "The is larger than the . The is smaller than the . The and the are the same size . The is , but the is . while the is found in the .",
        "Here is what I know about the . -",
    ];

    /// <summary>The reference output for an instruction (deterministic in instruction and seed).</summary>
    public static string RespondAsReference(FarmTask task, long seed) => Respond(task, Reference, KeyedRandom.Create("farm-reference", task.Instruction, seed));

    /// <summary>
    /// The demonstrator's <paramref name="example"/>-th output for an instruction (deterministic in instruction, example and
    /// seed). Like people, it answers a repeated instruction differently each time: the sft split numbers its examples, so
    /// a policy learns the demonstrator's spread (its typical errors, detail and slips) rather than one memorised answer.
    /// </summary>
    public static string RespondAsDemonstrator(FarmTask task, long seed, int example = 0) =>
        Respond(task, Demonstrator, KeyedRandom.Create("farm-demonstrator", $"{task.Instruction}|{example.ToString(CultureInfo.InvariantCulture)}", seed));

    internal static string Respond(FarmTask task, ResponderStyle style, DeterministicRandom random)
    {
        var sentences = task.Family switch
        {
            FarmFamilies.List => ListItems(task, style, random),
            FarmFamilies.Describe => Facts(task.Entity!, Between(random, style.DetailMin, Math.Min(4, style.DetailMax)), style, random),
            FarmFamilies.Tell => Tell(task, style, random),
            FarmFamilies.Fact => FactAnswer(task, style, random),
            FarmFamilies.Sequence => SequenceAnswer(task, style, random),
            _ => Comparison(task, style, random),
        };
        if (random.NextBool(style.Filler)) sentences.Add(random.Choose(Fillers));
        if (sentences.Count > 0 && random.NextBool(style.Repeat))
        {
            var repeated = sentences[random.NextInt(sentences.Count)];
            sentences.Add(repeated);
        }
        var text = Join(sentences);
        if (random.NextBool(style.Malformed) && text.EndsWith('.')) text = text[..^1];
        return Canonical(text);
    }

    /// <summary>The demonstrator's output padded with two or three filler sentences.</summary>
    internal static string Pad(string output, DeterministicRandom random)
    {
        var fillers = Fillers.ToList();
        random.Shuffle(fillers);
        var count = 2 + random.NextInt(2);
        var separator = output.Contains('\n') ? "\n" : " ";
        return Canonical(output + separator + string.Join(" ", fillers.Take(count)));
    }

    /// <summary>The output with one of its sentences said twice or three times more.</summary>
    internal static string Repeat(string output, DeterministicRandom random)
    {
        var sentences = SplitSentences(output);
        var chosen = sentences[random.NextInt(sentences.Count)];
        var times = 1 + random.NextInt(2);
        for (var i = 0; i < times; i++) sentences.Add(chosen);
        return Canonical(Join(sentences));
    }

    internal static string Canonical(string text) => CanonicalText.Detokenize(CanonicalText.Tokenize(text));

    private static string Join(List<string> sentences) =>
        string.Concat(sentences.Select((s, i) => i == 0 || s.StartsWith('\n') ? s : " " + s));

    private static List<string> SplitSentences(string output)
    {
        // A list repeats by lines ("\n2. apple"), prose by sentences.
        if (output.Contains('\n')) return output.Split('\n').Select((line, i) => i == 0 ? line : "\n" + line).ToList();
        var sentences = new List<string>();
        var start = 0;
        for (var i = 0; i < output.Length; i++)
        {
            if (output[i] is '.' or '!' or '?' && (i + 1 == output.Length || output[i + 1] == ' '))
            {
                sentences.Add(output[start..(i + 1)].Trim());
                start = i + 1;
            }
        }
        if (start < output.Length && output[start..].Trim().Length > 0) sentences.Add(output[start..].Trim());
        return sentences;
    }

    private static int Between(DeterministicRandom random, int min, int max) => min + random.NextInt(Math.Max(1, max - min + 1));

    private static string Value(FarmEntity entity, string attribute, double errorRate, DeterministicRandom random)
    {
        if (!random.NextBool(errorRate)) return entity.Value(attribute);
        var others = FarmKnowledge.Values(attribute).Where(v => v != entity.Value(attribute)).ToList();
        return random.Choose(others);
    }

    private static string FactSentence(string subject, string attribute, string value) => attribute switch
    {
        FarmKnowledge.CategoryAttribute => $"{subject} is {FarmKnowledge.Article(value)} {value}.",
        "size" => $"{subject} is {value} in size.",
        "place" => $"{subject} is found in the {value}.",
        _ => $"{subject} is {value}.",
    };

    private static List<string> Facts(string name, int count, ResponderStyle style, DeterministicRandom random)
    {
        var entity = FarmKnowledge.ByName[name];
        var kinds = FarmKnowledge.Attributes.Skip(1).ToList();
        random.Shuffle(kinds);
        kinds.Insert(0, FarmKnowledge.CategoryAttribute);
        return kinds.Take(Math.Clamp(count, 1, kinds.Count))
            .Select((kind, i) => FactSentence(i == 0 ? $"The {name}" : "It", kind, Value(entity, kind, style.ErrorRate, random)))
            .ToList();
    }

    private static List<string> Tell(FarmTask task, ResponderStyle style, DeterministicRandom random)
    {
        var facts = Facts(task.Entity!, Between(random, style.DetailMin + 1, style.DetailMax + 1), style, random);
        if (random.NextBool(0.4)) facts.Insert(0, $"Here is what I know about the {task.Entity}.");
        return facts;
    }

    private static List<string> FactAnswer(FarmTask task, ResponderStyle style, DeterministicRandom random)
    {
        var entity = FarmKnowledge.ByName[task.Entity!];
        var subject = random.NextBool(style.FullSentence) ? $"The {entity.Name}" : "It";
        var sentences = new List<string> { FactSentence(subject, task.Attribute!, Value(entity, task.Attribute!, style.ErrorRate, random)) };
        if (random.NextBool(style.ExtraFact))
        {
            var other = random.Choose(FarmKnowledge.Attributes.Where(a => a != task.Attribute).ToList());
            sentences.Add(FactSentence("It", other, Value(entity, other, style.ErrorRate, random)));
        }
        return sentences;
    }

    private static List<string> ListItems(FarmTask task, ResponderStyle style, DeterministicRandom random)
    {
        var count = task.K;
        if (random.NextBool(style.ListCountError)) count = Math.Max(1, count + (random.NextBool() ? 1 : -1));
        var members = FarmKnowledge.Categories[task.Category!].ToList();
        random.Shuffle(members);
        var items = members.Take(count).ToList();
        for (var i = 0; i < items.Count; i++)
        {
            if (!random.NextBool(style.WrongMember)) continue;
            var outsiders = FarmKnowledge.Entities.Where(e => e.Category != task.Category).ToList();
            items[i] = random.Choose(outsiders).Name;
        }
        if (random.NextBool(style.Numbered))
        {
            var lines = new List<string> { $"Here are {task.K} {task.Category}:" };
            lines.AddRange(items.Select((item, i) => $"\n{(i + 1).ToString(CultureInfo.InvariantCulture)}. {item}"));
            return lines;
        }
        var listed = items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];
        return [$"Some {task.Category} are {listed}."];
    }

    private static List<string> SequenceAnswer(FarmTask task, ResponderStyle style, DeterministicRandom random)
    {
        var items = task.ExpectedSequence.ToList();
        if (random.NextBool(style.SequenceError))
        {
            if (random.NextBool() && items.Count > 3) items.RemoveAt(random.NextInt(items.Count));
            else
            {
                var i = random.NextInt(items.Count - 1);
                (items[i], items[i + 1]) = (items[i + 1], items[i]);
            }
        }
        var lead = task.Order == FarmTask.Reverse ? "The reversed list is:" : "The sorted numbers are:";
        return [$"{lead} {string.Join(", ", items)}."];
    }

    private static List<string> Comparison(FarmTask task, ResponderStyle style, DeterministicRandom random)
    {
        var (a, b) = (FarmKnowledge.ByName[task.Entity!], FarmKnowledge.ByName[task.Entity2!]);
        var kinds = new List<string> { "colour", "place", "trait" };
        random.Shuffle(kinds);
        kinds.Insert(random.NextInt(2), "size");
        var sentences = new List<string>();
        foreach (var kind in kinds.Take(Math.Clamp(Between(random, style.DetailMin, style.DetailMax), 1, 4)))
        {
            if (kind == "size")
            {
                var order = FarmKnowledge.Sizes.ToList().IndexOf(a.Size).CompareTo(FarmKnowledge.Sizes.ToList().IndexOf(b.Size));
                if (random.NextBool(style.ErrorRate)) order = order == 0 ? 1 : -order;
                sentences.Add(order == 0 ? $"The {a.Name} and the {b.Name} are the same size."
                    : $"The {a.Name} is {(order > 0 ? "larger" : "smaller")} than the {b.Name}.");
                continue;
            }
            var (va, vb) = (Value(a, kind, style.ErrorRate, random), Value(b, kind, style.ErrorRate, random));
            sentences.Add(kind == "place"
                ? $"The {a.Name} is found in the {va}, while the {b.Name} is found in the {vb}."
                : $"The {a.Name} is {va}, but the {b.Name} is {vb}.");
        }
        return sentences;
    }
}
