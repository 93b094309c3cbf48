/** The numbers behind the chart: validation AUC and train loss per task, per epoch. */
import type { EpochEvent, SplitMetrics } from '../../engine/train/types';
import { formatMetric } from '../format';

interface Props {
  tasks: string[];
  epochs: EpochEvent[];
  /** Test metrics of the best epoch, once training is done. */
  test?: SplitMetrics;
  bestEpoch?: number;
}

export function EpochTable({ tasks, epochs, test, bestEpoch }: Props) {
  return (
    <table className="numbers">
      <caption>Validation AUC per epoch</caption>
      <thead>
        <tr>
          <th scope="col">Epoch</th>
          {tasks.map((t) => (
            <th scope="col" key={`auc-${t}`}>
              {t} AUC
            </th>
          ))}
          {tasks.map((t) => (
            <th scope="col" key={`loss-${t}`}>
              {t} train loss
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {epochs.map((e) => (
          <tr key={e.epoch} className={e.epoch === bestEpoch ? 'best' : undefined}>
            <th scope="row">
              {e.epoch}
              {e.epoch === bestEpoch ? ' (best)' : ''}
            </th>
            {tasks.map((t, i) => (
              <td key={`auc-${t}`}>{formatMetric(e.val?.tasks[i]?.auc)}</td>
            ))}
            {tasks.map((t, i) => (
              <td key={`loss-${t}`}>{formatMetric(e.trainLoss[i])}</td>
            ))}
          </tr>
        ))}
        {test !== undefined && (
          <tr className="test">
            <th scope="row">Test (best epoch)</th>
            {tasks.map((t, i) => (
              <td key={`test-${t}`}>{formatMetric(test.tasks[i]?.auc)}</td>
            ))}
            {tasks.map((t) => (
              <td key={`test-loss-${t}`} />
            ))}
          </tr>
        )}
      </tbody>
    </table>
  );
}
