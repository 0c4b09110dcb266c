import { Button, Dropdown, Field, Input, makeStyles, Option } from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ProblemBar } from '../../components/ProblemBar';
import { api, unwrap } from '../../lib/api-client';
import { actionParams, useCaseAction, type CaseRecord } from './case.api';

const useStyles = makeStyles({
  row: { display: 'flex', gap: '8px', flexWrap: 'wrap', alignItems: 'end' },
});

/** Product and subject (category): the Identify stage's "Product and category set" step. */
export function DetailsForm({ record }: { record: CaseRecord }) {
  const styles = useStyles();
  const n = record.caseNumber;
  const products = useQuery({ queryKey: ['products'], queryFn: async () => unwrap(await api.GET('/products')).items, staleTime: 300_000 });
  const [productId, setProductId] = useState(record.productId ?? '');
  const [subject, setSubject] = useState(record.subject ?? '');
  const save = useCaseAction(n, (key, vars: { productId: string; subject: string }) => api.POST('/cases/{caseNumber}/details', { params: actionParams(n, key), body: vars }));
  const active = (products.data ?? []).filter((p) => p.active);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ productId, subject: subject.trim() });
  };
  return (
    <form onSubmit={submit}>
      <div className={styles.row}>
        <Field label="Product">
          <Dropdown value={active.find((p) => p.id === productId)?.name ?? ''} placeholder="Choose a product" selectedOptions={[productId]} onOptionSelect={(_, d) => setProductId(d.optionValue ?? '')}>
            {active.map((p) => (
              <Option key={p.id} value={p.id}>
                {p.name}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field label="Subject">
          <Input value={subject} onChange={(_, d) => setSubject(d.value)} placeholder="e.g. Hardware" maxLength={200} />
        </Field>
        <Button type="submit" disabled={!productId || !subject.trim() || save.isPending}>
          Save details
        </Button>
      </div>
      <ProblemBar error={save.error} />
    </form>
  );
}
