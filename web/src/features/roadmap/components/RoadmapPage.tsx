import { PageHeader } from '../../../components/Layout';
export default function RoadmapPage() {
  return <PageHeader title="RoadmapPage" />;
}
