import { PageHeader } from '../../../components/Layout';
export default function IterationsPage() {
  return <PageHeader title="IterationsPage" />;
}
