"""quality peer: the seed's DataQualityValidator, reproduced as the seed writes it.

Reads orders.csv and users.csv with pandas, then runs the seed's usage example
(check_nulls('user_id', 0.0), check_uniqueness('user_id', 1.0),
check_value_range on the amount column -- `total` here -- and
check_referential_integrity('user_id', users, 'id')), run_all_checks and
get_report. The only change from the seed: get_report and check_uniqueness no
longer divide by zero on an empty input. The seed's report goes to stderr; stdout
gets the measured values as JSON for the harness to compare.
"""
import contextlib
import json
import sys
from dataclasses import dataclass
from enum import Enum
from typing import List, Optional

import pandas as pd

from shape import _STARTED  # noqa: F401  (starts the in-process clock after the imports)


class Severity(Enum):
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"


@dataclass
class QualityCheck:
    name: str
    severity: Severity
    passed: bool
    message: str
    value: Optional[float] = None
    threshold: Optional[float] = None


class DataQualityValidatoror:
    def __init__(self, df: pd.DataFrame):
        self.df = df
        self.results: List[QualityCheck] = []

    def check_nulls(self, column: str, threshold: float = 0.01):
        """Check null percentage in column"""
        null_pct = self.df[column].isnull().mean()
        passed = null_pct <= threshold

        self.results.append(QualityCheck(
            name=f"null_check_{column}",
            severity=Severity.CRITICAL if threshold < 0.01 else Severity.ERROR,
            passed=passed,
            message=f"Null percentage: {null_pct:.2%} (threshold: {threshold:.2%})",
            value=null_pct,
            threshold=threshold
        ))

    def check_uniqueness(self, column: str, threshold: float = 0.99):
        """Check uniqueness of column"""
        uniqueness = self.df[column].nunique() / len(self.df) if len(self.df) else 0.0   # fixed: no division by zero
        passed = uniqueness >= threshold

        self.results.append(QualityCheck(
            name=f"uniqueness_check_{column}",
            severity=Severity.ERROR,
            passed=passed,
            message=f"Uniqueness: {uniqueness:.2%} (threshold: {threshold:.2%})",
            value=uniqueness,
            threshold=threshold
        ))

    def check_value_range(self, column: str, min_val: float, max_val: float):
        """Check values are within range"""
        out_of_range = ((self.df[column] < min_val) | (self.df[column] > max_val)).mean()
        passed = out_of_range <= 0.01

        self.results.append(QualityCheck(
            name=f"range_check_{column}",
            severity=Severity.ERROR,
            passed=passed,
            message=f"Out of range: {out_of_range:.2%}",
            value=1 - out_of_range,
            threshold=0.99
        ))

    def check_referential_integrity(self, column: str, reference_df: pd.DataFrame, ref_column: str):
        """Check foreign key relationships"""
        missing_refs = ~self.df[column].isin(reference_df[ref_column])
        missing_pct = missing_refs.mean()
        passed = missing_pct <= 0.01

        self.results.append(QualityCheck(
            name=f"referential_check_{column}",
            severity=Severity.CRITICAL,
            passed=passed,
            message=f"Missing references: {missing_pct:.2%}",
            value=1 - missing_pct,
            threshold=0.99
        ))

    def run_all_checks(self) -> bool:
        """Run all checks and return overall status"""
        critical_failed = [r for r in self.results if r.severity == Severity.CRITICAL and not r.passed]
        error_failed = [r for r in self.results if r.severity == Severity.ERROR and not r.passed]

        if critical_failed:
            print("❌ CRITICAL checks failed:")
            for check in critical_failed:
                print(f"  - {check.name}: {check.message}")
            return False

        if error_failed:
            print("⚠️ ERROR checks failed:")
            for check in error_failed:
                print(f"  - {check.name}: {check.message}")
            return False

        print("✅ All quality checks passed")
        return True

    def get_report(self) -> str:
        """Generate quality report"""
        total = len(self.results)
        passed = sum(1 for r in self.results if r.passed)

        report = f"\n{'='*50}\n"
        report += f"Data Quality Report\n"
        report += f"{'='*50}\n"
        report += f"Total checks: {total}\n"
        report += f"Passed: {passed}\n"
        report += f"Failed: {total - passed}\n"
        report += f"Pass rate: {passed/total if total else 0:.2%}\n"   # fixed: no division by zero
        report += f"{'='*50}\n\n"

        for result in self.results:
            status = "✅" if result.passed else "❌"
            report += f"{status} {result.name}\n"
            report += f"   {result.message}\n\n"

        return report


orders_path, users_path = sys.argv[1], sys.argv[2]
df = pd.read_csv(orders_path)
users_df = pd.read_csv(users_path)

validator = DataQualityValidatoror(df)
validator.check_nulls('user_id', threshold=0.0)
validator.check_uniqueness('user_id', threshold=1.0)
validator.check_value_range('total', 0, 1000000)
validator.check_referential_integrity('user_id', users_df, 'id')

with contextlib.redirect_stdout(sys.stderr):
    ok = validator.run_all_checks()
    print(validator.get_report())

rows = len(df)
nulls, unique, in_range, present = (r.value for r in validator.results)
# Counts from the seed's fractions (exact: each is count / rows). The seed counts a
# null key as a missing reference (pandas isin); the harness accounts for that.
json.dump({"tool": "pandas", "rows": rows,
           "not_null": {"failing": round(nulls * rows), "passed": bool(validator.results[0].passed)},
           "unique": {"distinct": round(unique * rows), "passed": bool(validator.results[1].passed)},
           "range": {"failing": round((1 - in_range) * rows), "passed": bool(validator.results[2].passed)},
           "referential": {"failing_with_nulls": round((1 - present) * rows), "passed": bool(validator.results[3].passed)},
           "gate_passed": ok}, sys.stdout)
sys.stdout.write("\n")
