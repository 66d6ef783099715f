import { PageHeader } from '../../../components/Layout';
export default function PlannerPage() {
  return <PageHeader title="PlannerPage" />;
}
