namespace AlpacaFarm.Evaluation.Sets;

/// <summary>A fixed evaluation set: instructions and their reference outputs (AlpacaEval's 805, later the farm's eval-805).</summary>
public interface IEvaluationSet
{
    /// <summary>Family of the set, part of the board identity (e.g. "alpaca_eval").</summary>
    string Id { get; }

    /// <summary>Where it came from, for people (a file name).</summary>
    string Name { get; }

    /// <summary>Hash of the instructions (<see cref="ContentHash.Instructions"/>).</summary>
    string InstructionsSha256 { get; }

    /// <summary>Hash of the (instruction, reference output) pairs (<see cref="ContentHash.Pairs"/>).</summary>
    string ReferenceSha256 { get; }

    /// <summary>Who wrote the reference outputs (the reference file's generator).</summary>
    string ReferenceGenerator { get; }

    IReadOnlyList<EvaluationItem> Items { get; }
}
